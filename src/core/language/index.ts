export * from './language-connection';
export * from './language-service';
export * from './lsp-types';
export * from './server-offer';
export * from './virtual-notebook';
