export declare const HELM_VERSION: string;
export declare const KUBE_VERSION: string;
export declare const KUBECONFORM_VERSION: string;
export declare const goBin: string;
export declare function haveGo(): boolean;
export declare function fetchDeployTools(): { helm: string; kubeconform: string; checker: string; schemas: string };
