import * as vscode from 'vscode';

/**
 * Composition root: builds the parts and owns their disposal. It stays thin (DESIGN.md): features
 * are created by factories in src/vscode/ over the VS Code-free core in src/core/.
 */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Jupyter Remote', { log: true });
  context.subscriptions.push(log);
  log.info(`Jupyter Remote ${context.extension.packageJSON.version as string} activated`);
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
