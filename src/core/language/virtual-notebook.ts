import { isKept, pythonLinesOf, type PythonLine } from './ipython-lines';
import type { Position, Range } from './lsp-types';

/** A cell as the virtual document needs it: its index in the notebook, its text and its language. */
export interface CellText {
  index: number;
  text: string;
  language: string;
}

/** A place in a cell: the cell's index in the notebook and a position in its text. */
export interface CellPosition {
  cell: number;
  position: Position;
}

/**
 * What IPython defines before any cell runs and a language server cannot know: without it every
 * `display(df)` is an undefined name. Answers about this line map to no cell.
 */
const PRELUDE = 'from IPython import get_ipython; from IPython.display import display  # jupyter-remote';

interface CellSpan {
  cell: number;
  /** The virtual document's line where the cell starts. */
  start: number;
  lines: PythonLine[];
}

/**
 * A notebook's Python code cells as one Python document, the way a language server can read it: a
 * prelude line, then each cell in order, one blank line between cells, IPython syntax masked
 * (ipython-lines.ts). Maps positions both ways; a position on the prelude, between cells, or in a
 * masked part of a line maps to no cell.
 */
export class VirtualNotebook {
  readonly text: string;
  private readonly spans: CellSpan[] = [];

  constructor(cells: readonly CellText[]) {
    const out = [PRELUDE];
    for (const cell of cells) {
      if (cell.language !== 'python') continue;
      out.push('');
      const lines = pythonLinesOf(cell.text);
      this.spans.push({ cell: cell.index, start: out.length, lines });
      for (const line of lines) out.push(line.text);
    }
    this.text = `${out.join('\n')}\n`;
  }

  /** The cells the document holds, by index. */
  get cells(): number[] {
    return this.spans.map((s) => s.cell);
  }

  /** The virtual position of a position in a cell, or undefined when that part is not in the document. */
  toVirtual(cell: number, position: Position): Position | undefined {
    const span = this.spans.find((s) => s.cell === cell);
    const line = span?.lines[position.line];
    if (!span || !line) return undefined;
    if (!isKept(line, position.character)) return undefined;
    return { line: span.start + position.line, character: position.character - line.shift };
  }

  /** The cell and position of a virtual position, or undefined when it maps to no cell. */
  fromVirtual(position: Position): CellPosition | undefined {
    const found = this.lineAt(position.line);
    if (!found) return undefined;
    const character = position.character + found.line.shift;
    if (!isKept(found.line, character)) return undefined;
    return { cell: found.span.cell, position: { line: position.line - found.span.start, character } };
  }

  /**
   * A virtual range in one cell. One that starts outside the cell's kept text maps to nothing; one that
   * ends outside it (a syntax error running on past the cell) ends at the end of its first line.
   */
  rangeFromVirtual(range: Range): { cell: number; range: Range } | undefined {
    const start = this.fromVirtual(range.start);
    if (!start) return undefined;
    let end = this.fromVirtual(range.end);
    if (!end || end.cell !== start.cell) {
      const line = this.lineAt(range.start.line)?.line;
      end = { cell: start.cell, position: { line: start.position.line, character: line ? line.length : start.position.character } };
    }
    return { cell: start.cell, range: { start: start.position, end: end.position } };
  }

  /**
   * Whether a cell's line is its last one with code (a bare expression ending there is the cell's
   * result); blank lines and comments after it do not count, a magic does (it is the last statement).
   */
  isLastLineOf(cell: number, line: number): boolean {
    const lines = this.spans.find((s) => s.cell === cell)?.lines ?? [];
    let last = lines.length - 1;
    while (last > 0 && /^\s*(#.*)?$/.test(lines[last].text)) last--;
    return line === last;
  }

  private lineAt(virtualLine: number): { span: CellSpan; line: PythonLine } | undefined {
    for (const span of this.spans) {
      const offset = virtualLine - span.start;
      if (offset >= 0 && offset < span.lines.length) return { span, line: span.lines[offset] };
    }
    return undefined;
  }
}
