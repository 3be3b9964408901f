import { relinkTraceback } from '../../core/debug/traceback-files';
import type { NbOutput } from '../../core/kernel';
import { WIDGET_VIEW_MIME } from '../../core/widgets/widget-models';
import { OWN_WIDGET_VIEW_MIME } from '../../renderer/protocol';

/**
 * nbformat outputs as VS Code output items (mime + bytes), without touching `vscode`, so the
 * mapping is unit-tested in plain Node; `kernel-controllers.ts` wraps them in NotebookCellOutput.
 */
export interface OutputItemData {
  mime: string;
  data: Uint8Array;
}

export interface MappedOutput {
  items: OutputItemData[];
  /** The nbformat fields VS Code has no place for, under the keys the Jupyter extension uses. */
  metadata: Record<string, unknown>;
}

export const STDOUT_MIME = 'application/vnd.code.notebook.stdout';
export const STDERR_MIME = 'application/vnd.code.notebook.stderr';
export const ERROR_MIME = 'application/vnd.code.notebook.error';

/** Images arrive base64-encoded in the bundle; SVG is text. */
const BASE64_MIMES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp', 'application/pdf']);

const encoder = new TextEncoder();

export function streamItem(name: string, text: string): OutputItemData {
  return { mime: name === 'stderr' ? STDERR_MIME : STDOUT_MIME, data: encoder.encode(text) };
}

function isJsonMime(mime: string): boolean {
  return mime === 'application/json' || mime.endsWith('+json');
}

/** One MIME bundle entry as bytes; undefined for a value that cannot be shown (skipped, not fatal). */
export function bundleItem(mime: string, value: unknown): OutputItemData | undefined {
  if (BASE64_MIMES.has(mime)) {
    const text = Array.isArray(value) ? value.join('') : value;
    if (typeof text !== 'string') return undefined;
    return { mime, data: Buffer.from(text.replace(/\s+/g, ''), 'base64') };
  }
  if (isJsonMime(mime) && typeof value !== 'string') return { mime, data: encoder.encode(JSON.stringify(value) ?? 'null') };
  if (typeof value === 'string') return { mime, data: encoder.encode(value) };
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return { mime, data: encoder.encode(value.join('')) };
  return undefined;
}

export interface OutputItemOptions {
  /** Put a widget view first under our own MIME too (OWN_WIDGET_VIEW_MIME says why). */
  ownWidgetMime?: boolean;
  /** A traceback frame's file as a URI to open it by (the server's own files), or undefined to leave it. */
  frameLink?: (file: string) => string | undefined;
}

export function toOutputItems(output: NbOutput, options: OutputItemOptions = {}): MappedOutput {
  switch (output.output_type) {
    case 'stream':
      return { items: [streamItem(output.name, output.text)], metadata: { outputType: 'stream' } };
    case 'error': {
      // Shown with the frames' files linked; kept (and saved) as the kernel sent it.
      const traceback = options.frameLink ? relinkTraceback(output.traceback, options.frameLink) : output.traceback;
      return {
        items: [{ mime: ERROR_MIME, data: encoder.encode(JSON.stringify({ name: output.ename, message: output.evalue, stack: traceback.join('\n') })) }],
        metadata: { outputType: 'error', originalError: { ename: output.ename, evalue: output.evalue, traceback: output.traceback } },
      };
    }
    default: {
      const items: OutputItemData[] = [];
      for (const [mime, value] of Object.entries(output.data)) {
        const item = bundleItem(mime, value);
        if (item) items.push(item);
      }
      const view = options.ownWidgetMime ? items.find((i) => i.mime === WIDGET_VIEW_MIME) : undefined;
      if (view) items.unshift({ mime: OWN_WIDGET_VIEW_MIME, data: view.data });
      const metadata: Record<string, unknown> = { outputType: output.output_type, metadata: output.metadata };
      if (output.output_type === 'execute_result') metadata.executionCount = output.execution_count;
      return { items, metadata };
    }
  }
}

const decoder = new TextDecoder();

/**
 * A cell output as VS Code shows it, back in nbformat form: for a cell taken up after a window reload,
 * whose outputs so far the output model starts from (so later stream text joins the last stream).
 */
export function fromOutputItems(items: readonly OutputItemData[], metadata: Record<string, unknown> = {}): NbOutput | undefined {
  const streams = items.filter((i) => i.mime === STDOUT_MIME || i.mime === STDERR_MIME);
  if (streams.length) return { output_type: 'stream', name: streams[0].mime === STDERR_MIME ? 'stderr' : 'stdout', text: streams.map((i) => decoder.decode(i.data)).join('') };
  const error = items.find((i) => i.mime === ERROR_MIME);
  if (error) {
    const original = metadata.originalError as { ename?: string; evalue?: string; traceback?: string[] } | undefined;
    if (original && typeof original.ename === 'string') return { output_type: 'error', ename: original.ename, evalue: original.evalue ?? '', traceback: original.traceback ?? [] };
    const parsed = JSON.parse(decoder.decode(error.data)) as { name?: string; message?: string; stack?: string };
    return { output_type: 'error', ename: parsed.name ?? 'Error', evalue: parsed.message ?? '', traceback: parsed.stack ? parsed.stack.split('\n') : [] };
  }
  const data: Record<string, unknown> = {};
  for (const item of items) {
    if (item.mime === OWN_WIDGET_VIEW_MIME) continue;
    if (BASE64_MIMES.has(item.mime)) data[item.mime] = Buffer.from(item.data).toString('base64');
    else if (isJsonMime(item.mime)) data[item.mime] = JSON.parse(decoder.decode(item.data)) as unknown;
    else data[item.mime] = decoder.decode(item.data);
  }
  if (!Object.keys(data).length) return undefined;
  const meta = (metadata.metadata as Record<string, unknown> | undefined) ?? {};
  if (metadata.outputType === 'execute_result') return { output_type: 'execute_result', data, metadata: meta, execution_count: typeof metadata.executionCount === 'number' ? metadata.executionCount : null };
  return { output_type: 'display_data', data, metadata: meta };
}
