export declare const HELM_VERSION: string;
export declare const KUBE_VERSION: string;
export declare const goBin: string;
export declare function haveGo(): boolean;
export declare function fetchDeployTools(): { helm: string; checker: string };
