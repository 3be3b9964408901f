export * from './contents';
export * from './hub';
export * from './kernels';
export * from './kernelspecs';
export * from './server-info';
export * from './sessions';
export { expectStatus, jsonBody, reasonOf } from './validate';
export type { Json, JsonObject } from './validate';
