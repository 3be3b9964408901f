export * from './server-address';
export { parseServerUrl, redactForMessage } from './parse-url';
export type { UrlContext, UrlParse } from './parse-url';
export { parseServerText } from './parse-text';
export type { ParseOptions, ParseResult } from './parse-text';
export { serverFromJson } from './parse-json';
export { discoverLocalServers, jupyterRuntimeDir, processIsAlive } from './runtime-dir';
export type { LocalServers, RuntimeDirOptions } from './runtime-dir';
