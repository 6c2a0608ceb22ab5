// Types of bin/runtime.mjs, for the TypeScript that imports it (tests, benchmarks).
export declare const ROOT: string;
export declare const DIST: string;
export declare const BUILD_INFO: string;
export declare const DIST_ENTRY: string;
export declare function sha256(buf: Buffer | string): string;
export declare function distStatus(root?: string): { current: true } | { current: false; reason: string };
export declare function chooseRuntime(
  env?: NodeJS.ProcessEnv,
  root?: string,
): { runtime: 'dist' | 'tsx'; notice?: string };
