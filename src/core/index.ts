/** The client library: what the CLI, the extension and the benchmark adapter build on. */
export * from './api';
export * from './http';
export * from './kernel';
export * from './servers';
export * from './widgets';
export { Redactor, nullLogger } from './util/logger';
export type { Logger } from './util/logger';
export * from './terminal';
export * from './debug';
export * from './variables';
export * from './sync';
export * from './language';
