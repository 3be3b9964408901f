// The Data Viewer: a table that lives in the kernel, shown as a grid in an editor tab (issue 26). The grid
// (dist/data-grid.js, src/renderer/data-grid/) asks for pages as the person scrolls; this side passes each
// request to the kernel and the answer back. It keeps no rows, so its memory does not grow with the table.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { messageOf } from '../../core/util/errors';
import { nullLogger, type Logger } from '../../core/util/logger';
import type { TablePage, TableQuery } from '../../core/variables/types';
import { MAX_PAGE_ROWS, type FromGrid, type ToGrid } from '../../renderer/data-grid/protocol';

export const DATA_VIEWER_TYPE = 'jupyterRemote.dataViewer';

/** Where the grid's rows come from: the kernel, which also sorts and filters. */
export interface TableSource {
  /** One page of the table after the query; rejects with an Error whose message is one sentence for the person. */
  page(query: TableQuery, start: number, count: number, signal: AbortSignal): Promise<TablePage>;
}

export interface DataViewer extends vscode.Disposable {
  /** The tab was closed (by the person or by `dispose`). */
  readonly onDidDispose: vscode.Event<void>;
  /** The variable may have changed (a cell ended): the grid fetches the rows it shows again, same sort and filter. */
  refresh(): void;
  /** The variable is no longer there: the grid says `message`, and the source is let go. */
  showGone(message: string): void;
  reveal(): void;
}

/** Opens a Data Viewer tab titled `title` over `source`. */
export function openDataViewer(context: vscode.ExtensionContext, title: string, source: TableSource, log: Logger = nullLogger): DataViewer {
  const dist = vscode.Uri.joinPath(context.extensionUri, 'dist');
  // Not kept while hidden: the grid is rebuilt when shown again (its query and position are in its state).
  const panel = vscode.window.createWebviewPanel(DATA_VIEWER_TYPE, title, vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [dist] });
  panel.webview.html = pageHtml(panel.webview, title, panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'data-grid.js')));
  return new DataViewerPanel(panel, title, source, log);
}

class DataViewerPanel implements DataViewer {
  /** Requests being answered, by the grid's request id. */
  private readonly inFlight = new Map<number, AbortController>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** The query of the last request: one with another aborts the rest. */
  private lastQuery = '';
  /** Undefined once the variable is gone or the tab closed: nothing more is asked. */
  private source: TableSource | undefined;
  private goneMessage = '';
  private disposed = false;
  readonly onDidDispose: vscode.Event<void>;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly title: string,
    source: TableSource,
    private readonly log: Logger,
  ) {
    this.source = source;
    this.onDidDispose = panel.onDidDispose;
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((message: FromGrid) => this.receive(message)),
      // A hidden webview is destroyed (and rebuilt when shown): nobody waits for its answers any more.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.abortAll();
      }),
      panel.onDidDispose(() => {
        this.disposed = true;
        this.source = undefined;
        this.abortAll();
        vscode.Disposable.from(...this.subscriptions).dispose();
      }),
    );
  }

  refresh(): void {
    if (!this.source) return;
    this.abortAll(); // answers computed before the change
    this.post({ type: 'refresh' });
  }

  showGone(message: string): void {
    this.source = undefined;
    this.goneMessage = message;
    this.abortAll();
    this.post({ type: 'gone', message });
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    this.panel.dispose(); // VS Code ignores a second call
  }

  private receive(message: FromGrid): void {
    if (message.type === 'cancel') {
      for (const id of message.requestIds) this.inFlight.get(id)?.abort();
      return;
    }
    if (message.type !== 'page') return;
    const { requestId, query, start, count } = message;
    // The grid is our own script, but a page larger than this would let one message pull a whole table through the host.
    if (!Number.isInteger(start) || start < 0 || !Number.isInteger(count) || count < 1 || count > MAX_PAGE_ROWS) return;
    if (!this.source) {
      this.post({ type: 'gone', message: this.goneMessage });
      return;
    }
    const queryKey = JSON.stringify(query);
    if (queryKey !== this.lastQuery) this.abortAll();
    this.lastQuery = queryKey;
    this.inFlight.get(requestId)?.abort();
    const controller = new AbortController();
    this.inFlight.set(requestId, controller);
    this.source.page(query, start, count, controller.signal).then(
      (page) => {
        if (!controller.signal.aborted) this.post({ type: 'page', requestId, page });
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        this.log.info(`Data Viewer "${this.title}": rows ${start}+${count}: ${messageOf(e)}`);
        this.post({ type: 'error', requestId, message: messageOf(e) });
      },
    ).finally(() => {
      if (this.inFlight.get(requestId) === controller) this.inFlight.delete(requestId);
    });
  }

  private abortAll(): void {
    for (const controller of this.inFlight.values()) controller.abort();
    this.inFlight.clear();
  }

  private post(message: ToGrid): void {
    // A hidden webview drops it: it is rebuilt when shown, and asks again.
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function pageHtml(webview: vscode.Webview, title: string, script: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src ${webview.cspSource} 'unsafe-inline';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(title)}</title>
</head>
<body>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
