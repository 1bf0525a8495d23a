export declare function checkDeploy(options?: { deployDir?: string }): string[];
