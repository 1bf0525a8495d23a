export declare function installIntoCache(
  dir: string,
  packages: string[],
  usable: (dir: string) => boolean | Promise<boolean>,
): Promise<string>;
