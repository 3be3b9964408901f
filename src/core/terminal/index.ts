export * from './terminal-connection';
