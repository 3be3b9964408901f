import { NbOutput } from './output-model';

/** The parts of an nbformat 4 notebook we read and write; everything else is kept as it was. */
export interface NotebookJson {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NotebookCellJson[];
  [key: string]: unknown;
}

export interface NotebookCellJson {
  cell_type: string;
  source: string | string[];
  metadata?: Record<string, unknown>;
  outputs?: NbOutput[];
  execution_count?: number | null;
  id?: string;
  [key: string]: unknown;
}

export class NotebookFormatError extends Error {}

/** Parses and checks a notebook; says what is wrong in one sentence when it is not nbformat 4. */
export function parseNotebook(text: string): NotebookJson {
  let nb: unknown;
  try {
    nb = JSON.parse(text);
  } catch (e) {
    throw new NotebookFormatError(`The notebook is not valid JSON (${(e as Error).message}).`);
  }
  const o = nb as NotebookJson;
  if (!o || typeof o !== 'object' || !Array.isArray(o.cells)) throw new NotebookFormatError('The file is not a Jupyter notebook: it has no "cells" list.');
  if (o.nbformat !== 4) throw new NotebookFormatError(`The notebook is nbformat ${String(o.nbformat)}; only nbformat 4 is supported (convert it with \`jupyter nbconvert --to notebook\`).`);
  for (const [i, cell] of o.cells.entries()) {
    if (!cell || typeof cell !== 'object' || typeof cell.cell_type !== 'string') throw new NotebookFormatError(`Cell ${i + 1} of the notebook is malformed.`);
  }
  o.metadata ??= {};
  return o;
}

export function cellSource(cell: NotebookCellJson): string {
  return Array.isArray(cell.source) ? cell.source.join('') : String(cell.source ?? '');
}

/** nbformat stores multi-line strings as lists of lines; Jupyter writes them that way. */
export function splitLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === '' ? [] : lines;
}

/** An output as Jupyter writes it to disk: text fields split into lines. */
export function outputForDisk(output: NbOutput): Record<string, unknown> {
  if (output.output_type === 'stream') return { ...output, text: splitLines(output.text) };
  if (output.output_type === 'error') return { ...output };
  const data: Record<string, unknown> = {};
  for (const [mime, value] of Object.entries(output.data)) {
    data[mime] = typeof value === 'string' && (mime.startsWith('text/') || mime === 'image/svg+xml') ? splitLines(value) : value;
  }
  return { ...output, data };
}
