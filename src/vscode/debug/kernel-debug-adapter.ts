import * as vscode from 'vscode';
import { baseNameOf } from '../../core/api/server-path';
import { DebugSession, serverRootOf } from '../../core/debug';
import type { DapEvent, DapResponse, DebugEnded } from '../../core/debug';
import type { HttpSession } from '../../core/http';
import type { KernelConnection } from '../../core/kernel';
import { messageOf } from '../../core/util/errors';
import type { Logger } from '../../core/util/logger';
import { serverUri, SERVER_FS_SCHEME, serverPathOf } from '../files';

/** What a debug session needs of the notebook's kernel (the notebooks feature provides it). */
export interface DebugTarget {
  kernel: { connection: KernelConnection };
  serverId: string;
  http: HttpSession;
  /** The notebook's session path, when we started its kernel (the server started it in that path's folder). */
  sessionPath: string | undefined;
  /** Runs cells through the notebook's usual queue; settles when they have ended. */
  run(cells: vscode.NotebookCell[]): Promise<void>;
}

export type DebugMode = 'debug' | 'runByLine';

type Source = { name?: string; path?: string; sourceReference?: number };
type DapMessage = { seq: number; type: string; command?: string; event?: string; arguments?: Record<string, unknown>; body?: Record<string, unknown> };

/**
 * The debug adapter VS Code talks to for one cell's debug session (Debug Cell, Run by Line). It does
 * not speak to debugpy itself: requests go to the kernel's debugger as Jupyter debug requests over the
 * kernel connection we already have (core's DebugSession), and what comes back has its paths
 * translated both ways:
 * - a cell's file on the kernel ↔ the notebook cell's URI (the kernel names a cell's file after a hash
 *   of its exact text);
 * - a file under the server's root ↔ `jupyter-remote://<server id>/<path>`, an ordinary editable file
 *   whose breakpoints work;
 * - anything else (the standard library, site-packages) → a read-only source the kernel sends.
 */
export class KernelDebugAdapter implements vscode.DebugAdapter {
  private readonly sent = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  readonly onDidSendMessage = this.sent.event;
  private session: DebugSession | undefined;
  private serverRoot: string | undefined;
  private seq = 1;
  /** Read-only sources handed to VS Code by number: the kernel's path of each. */
  private readonly references = new Map<number, string>();
  private readonly referenceOf = new Map<string, number>();
  private finished = false;
  /** VS Code's requests, answered one after another in the order they came. */
  private answering: Promise<void> = Promise.resolve();
  /** Run by Line: the breakpoint on the cell's first line of code is in place. */
  private firstLineSet = false;

  constructor(
    private readonly notebook: vscode.NotebookDocument,
    private readonly cell: vscode.NotebookCell,
    private readonly mode: DebugMode,
    private readonly target: DebugTarget,
    private readonly log: Logger,
  ) {}

  handleMessage(message: vscode.DebugProtocolMessage): void {
    const request = message as DapMessage;
    if (request.type !== 'request' || !request.command) return;
    this.log.trace(`debug ← VS Code: ${request.command} ${JSON.stringify(request.arguments ?? {}).slice(0, 300)}`);
    // In order: a breakpoint removed just before Continue must reach the kernel before the Continue does
    // (setting a cell's breakpoints takes two round trips to the kernel, a continue one).
    this.answering = this.answering.then(() => this.answer(request)).catch((e: unknown) => this.respond(request, { success: false, message: messageOf(e) }));
  }

  dispose(): void {
    this.finished = true;
    this.session?.dispose();
    this.sent.dispose();
  }

  private async answer(request: DapMessage): Promise<void> {
    const args = request.arguments ?? {};
    switch (request.command) {
      case 'initialize': {
        const connection = this.target.kernel.connection;
        this.session = await DebugSession.start(connection, { log: this.log });
        // Frames in cells run before this session (a function a cell defined) lead back to those cells.
        for (const cell of this.notebook.getCells()) if (cell.kind === vscode.NotebookCellKind.Code) this.session.cells.remember(cell.document.getText(), cell.document.uri.toString());
        this.session.onEvent((event) => this.relay(event));
        this.session.onEnded((ended) => this.sessionEnded(ended));
        this.serverRoot = await serverRootOf(this.target.http, connection, this.target.sessionPath).catch(() => undefined);
        this.respond(request, { success: true, body: { ...this.session.capabilities, supportsConfigurationDoneRequest: true } });
        this.emit('initialized');
        return;
      }
      case 'attach':
      case 'launch':
        // The kernel's debugger was attached in `initialize`: VS Code's own attach has nothing left to do.
        return this.respond(request, { success: true });
      case 'setBreakpoints':
        return this.respond(request, { success: true, body: { breakpoints: await this.setBreakpoints(args) } });
      case 'setExceptionBreakpoints':
        if (this.mode === 'runByLine') return this.respond(request, { success: true });
        return this.forward(request);
      case 'configurationDone': {
        // Run by Line stops first at the cell's first line of code, whether or not it has breakpoints of its own.
        if (this.mode === 'runByLine' && !this.firstLineSet) await this.live().setCellBreakpoints(this.cell.document.getText(), [firstCodeLine(this.cell.document.getText())], this.cell.document.uri.toString());
        await this.live().configurationDone();
        this.respond(request, { success: true });
        // The cell runs as any run does (its outputs arrive in it); the session ends with it. VS Code refuses
        // a second run of a cell that runs or waits to run: the session then ends, saying so.
        Promise.resolve()
          .then(() => this.target.run([this.cell]))
          .catch((e: unknown) => {
            this.log.warn(`Debugging ${this.cell.index + 1}: the cell did not run: ${messageOf(e)}`);
            this.emit('output', { category: 'important', output: 'The cell did not run: it is running or waiting to run already. Debug it once it has ended.\n' });
          })
          .finally(() => this.end());
        return;
      }
      case 'stackTrace':
        return this.stackTrace(request);
      case 'source': {
        const path = this.references.get(Number((args.source as Source | undefined)?.sourceReference ?? args.sourceReference));
        if (path === undefined) return this.forward(request);
        return this.respond(request, { success: true, body: { content: await this.live().source(path), mimeType: 'text/x-python' } });
      }
      case 'disconnect':
      case 'terminate':
        this.finished = true;
        await this.session?.disconnect();
        return this.respond(request, { success: true });
      default:
        return this.forward(request);
    }
  }

  private live(): DebugSession {
    if (!this.session) throw new Error('The kernel debugger has not started.');
    return this.session;
  }

  /**
   * Breakpoints of one source: a cell of this notebook (set in the kernel's file for its exact text), a
   * file under this server's root, or — anywhere else — not set, saying why.
   */
  private async setBreakpoints(args: Record<string, unknown>): Promise<unknown[]> {
    const source = (args.source ?? {}) as Source;
    const asked = ((args.breakpoints as { line: number }[] | undefined) ?? []).map((b) => ({ ...b }));
    const unverified = (message: string) => asked.map((b) => ({ verified: false, line: b.line, message }));
    const cell = this.notebook.getCells().find((c) => c.document.uri.toString() === source.path);
    if (cell) {
      const lines = [...asked];
      let added = false;
      if (this.mode === 'runByLine' && cell === this.cell) {
        const first = firstCodeLine(cell.document.getText());
        added = !lines.some((b) => b.line === first);
        if (added) lines.unshift({ line: first });
        this.firstLineSet = true;
      }
      const set = await this.live().setCellBreakpoints(cell.document.getText(), lines, cell.document.uri.toString());
      // VS Code matches the answer to what it asked, one for one: Run by Line's own breakpoint is not among them.
      return set.breakpoints.slice(added ? 1 : 0).map((b) => ({ ...b, source }));
    }
    if (source.path?.startsWith('vscode-notebook-cell:')) return unverified('This cell is in another notebook, not on this kernel.');
    const onServer = this.kernelPathOf(source.path);
    if (onServer === undefined) return unverified(`Breakpoints work in this notebook's cells and in files of its server${this.serverRoot ? '' : ' (whose folder the kernel could not tell)'}.`);
    const set = await this.live().setBreakpoints(onServer, asked);
    return set.map((b) => ({ ...b, source }));
  }

  /** The kernel's path of a `jupyter-remote://` file of this server, when the server's root is known. */
  private kernelPathOf(path: string | undefined): string | undefined {
    if (!path || !this.serverRoot || !path.startsWith(`${SERVER_FS_SCHEME}:`)) return undefined;
    const uri = vscode.Uri.parse(path);
    if (uri.authority !== this.target.serverId) return undefined;
    const relative = serverPathOf(uri).path;
    return `${this.serverRoot.replace(/\/$/, '')}/${relative}`;
  }

  private async stackTrace(request: DapMessage): Promise<void> {
    const response = await this.live().sendRaw('stackTrace', request.arguments ?? {});
    const frames = ((response.body?.stackFrames as { source?: Source }[] | undefined) ?? []).map((frame) => ({ ...frame, source: frame.source && this.sourceFor(frame.source) }));
    this.respond(request, { ...response, body: { ...response.body, stackFrames: frames } });
  }

  /** A source the kernel names, as VS Code should open it. */
  private sourceFor(source: Source): Source {
    if (!source.path) return source;
    const place = this.live().locate(source.path, this.serverRoot);
    if (place.kind === 'cell') {
      // A cell run before the session was never written to the kernel's disk: debugpy offers its text by
      // reference, but it is a cell of this notebook, to be shown there.
      const cell = this.notebook.getCells().find((c) => c.document.uri.toString() === place.cell?.cellId);
      if (cell) return { name: `Cell ${cell.index + 1}`, path: cell.document.uri.toString() };
    } else if (place.kind === 'server-file') {
      return { name: baseNameOf(place.relative), path: serverUri(this.target.serverId, place.relative).toString() };
    }
    if ((source.sourceReference ?? 0) > 0) return source; // debugpy's own reference: VS Code asks it for the text
    // Read-only, through the kernel: the standard library, site-packages, or a cell's earlier text.
    let reference = this.referenceOf.get(source.path);
    if (reference === undefined) {
      reference = this.references.size + 1;
      this.references.set(reference, source.path);
      this.referenceOf.set(source.path, reference);
    }
    return { name: baseNameOf(source.path), path: source.path, sourceReference: reference };
  }

  private async forward(request: DapMessage): Promise<void> {
    this.respond(request, await this.live().sendRaw(request.command!, request.arguments ?? {}));
  }

  /** The kernel's events, with their sources as VS Code opens them; its own start and end are ours to say. */
  private relay(event: DapEvent): void {
    if (['initialized', 'terminated', 'exited', 'process'].includes(event.event)) return;
    const body = event.body as { source?: Source; breakpoint?: { source?: Source } } | undefined;
    const mapped = body?.source ? { ...body, source: this.sourceFor(body.source) } : body?.breakpoint?.source ? { ...body, breakpoint: { ...body.breakpoint, source: this.sourceFor(body.breakpoint.source) } } : body;
    this.emit(event.event, mapped as Record<string, unknown> | undefined);
  }

  /** The kernel's debugger went away under us (interrupt, restart, death, a lost connection): one sentence, and the session ends. */
  private sessionEnded(ended: DebugEnded): void {
    if (this.finished) return;
    // VS Code shows an `important` output as a notification: the one sentence a person sees.
    this.emit('output', { category: 'important', output: `${ended.message}\n` });
    this.end();
  }

  /** Ends the VS Code session (the cell ended, or the kernel's debugger went away). */
  private end(): void {
    if (this.finished) return;
    this.finished = true;
    void this.session?.disconnect();
    this.emit('terminated');
  }

  private respond(request: DapMessage, response: Partial<DapResponse> & { success: boolean }): void {
    this.send({ ...response, type: 'response', request_seq: request.seq, command: request.command });
  }

  private emit(event: string, body?: Record<string, unknown>): void {
    this.send({ type: 'event', event, ...(body ? { body } : {}) });
  }

  private send(message: Record<string, unknown>): void {
    this.log.trace(`debug → VS Code: ${String(message.command ?? message.event)} ${message.success === false ? `failed: ${String(message.message)}` : ''}`);
    this.sent.fire({ ...message, seq: this.seq++ } as vscode.DebugProtocolMessage);
  }
}

/** The first line (1-based) with code on it: a breakpoint on a blank line or a comment is never hit. */
export function firstCodeLine(text: string): number {
  const at = text.split(/\r?\n/).findIndex((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  return at < 0 ? 1 : at + 1;
}
