export { KernelBusyError, VariableInspector, VariableInspectorError } from './variable-inspector';
export type * from './types';
