import * as vscode from 'vscode';
import { AbortedError, JupyterError } from '../../core/http';
import type { Logger, Redactor } from '../../core/util/logger';

/** What every feature needs to report a failure at its boundary. */
export interface ErrorSink {
  log: Logger;
  redactor: Redactor;
  showLog: () => void;
}

/**
 * Shows a failure at a command boundary: one sentence (never a stack or a secret), with "Show Log".
 * Cancellation is not a failure.
 */
export function reportError(sink: ErrorSink, what: string, e: unknown): void {
  if (e instanceof AbortedError) return;
  const detail = e instanceof JupyterError ? e.message : e instanceof Error ? `${e.message}` : String(e);
  const message = sink.redactor.redact(`${what}: ${detail}`);
  sink.log.error(e instanceof Error && !(e instanceof JupyterError) && e.stack ? sink.redactor.redact(`${message}\n${e.stack}`) : message);
  void vscode.window.showErrorMessage(message, 'Show Log').then((a) => (a ? sink.showLog() : undefined));
}

/** Registers a command whose failures are shown as `what: …` (reportError) instead of thrown into VS Code. */
export function registerGuarded<A extends unknown[]>(sink: ErrorSink, id: string, what: string, fn: (...args: A) => Promise<unknown>): vscode.Disposable {
  return vscode.commands.registerCommand(id, (...args: A) => fn(...args).catch((e: unknown) => reportError(sink, what, e)));
}
