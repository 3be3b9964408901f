import * as vscode from 'vscode';

const PYLANCE = 'ms-python.vscode-pylance';
const SHOWN_KEY = 'jupyterRemote.pylanceNoticeShown';

/**
 * Pylance checks every Python notebook on this computer, including those that run on a server, where it
 * cannot see the server's packages: its "Import could not be resolved" is then not ours. Said once, so
 * two language servers never disagree over a cell without the person knowing why.
 */
export class PylanceNotice {
  constructor(private readonly state: vscode.Memento) {}

  showOnce(): void {
    if (this.state.get<boolean>(SHOWN_KEY) || !vscode.extensions.getExtension(PYLANCE)) return;
    void this.state.update(SHOWN_KEY, true);
    void vscode.window
      .showInformationMessage(
        'Pylance also checks notebooks that run on a server, on this computer, where the server\'s packages are missing. Problems from the server\'s language server say "Jupyter Remote"; to quiet Pylance\'s missing-import warnings, set "python.analysis.diagnosticSeverityOverrides" in this workspace.',
        'Open the Setting',
      )
      .then((choice) => (choice ? vscode.commands.executeCommand('workbench.action.openSettings', 'python.analysis.diagnosticSeverityOverrides') : undefined));
  }
}
