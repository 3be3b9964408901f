// What several features share, and nothing that belongs to one of them: the error boundary, the
// notebook type our controllers serve, and how a time from the server is put in words.
export { registerGuarded, reportError } from './errors';
export type { ErrorSink } from './errors';
export { ago } from './time-words';
export { signalOf } from './cancellation';
export { withTimeout } from './time-limit';

/** The notebook type of `.ipynb` files in VS Code, which our kernel controllers serve. */
export const NOTEBOOK_TYPE = 'jupyter-notebook';
