/**
 * What a language server may see of a cell's line. IPython syntax (`%magic`, `!shell`, `%%cell`
 * magics, `name?`) is not Python: shown as it is, every such line would be a syntax error. Each line
 * becomes Python of the same line count, and says which of its columns still mean what they mean in
 * the cell, so that an answer about a masked part is dropped instead of pointing at the wrong text.
 */
export interface PythonLine {
  /** The line as Python. */
  text: string;
  /** The cell line's length. */
  length: number;
  /** Columns of the cell's line that are kept, `[from, to)`; `to` may be Infinity. Empty when masked. */
  keepFrom: number;
  keepTo: number;
  /** A kept column `c` of the cell is column `c - shift` of `text`. */
  shift: number;
}

/** Cell magics whose body is Python: only their first line is masked. */
const PYTHON_BODY_CELL_MAGICS = new Set(['time', 'timeit', 'capture', 'prun', 'debug']);
/** Line magics followed by a Python statement that runs: the statement stays, shifted left. */
const PYTHON_STATEMENT_LINE_MAGICS = new Set(['time', 'timeit', 'prun', 'debug']);

const kept = (text: string): PythonLine => ({ text, length: text.length, keepFrom: 0, keepTo: Infinity, shift: 0 });
/** A masked line keeps its indentation and becomes `pass`, so the block around it stays valid. */
const masked = (line: string, indent: string): PythonLine => ({ text: `${indent}pass`, length: line.length, keepFrom: 0, keepTo: 0, shift: 0 });
/** The whole cell is another language (`%%bash`): nothing of it is Python, not even its indentation. */
const blank = (line: string): PythonLine => ({ text: '', length: line.length, keepFrom: 0, keepTo: 0, shift: 0 });

/** `name = !ls` or `x, y = %sx cmd`: the names stay, the right side becomes a value of no known type. */
const MAGIC_ASSIGNMENT = /^(\s*[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*)[!%]/;
/** `obj?`, `obj??`, `?obj`, `obj.method?`: IPython's help. */
const HELP = /^\s*(?:\?{1,2}[\w.]+|[\w.]+(?:\(\))?\?{1,2})\s*$/;

/** The cell's lines as Python (one per line of the cell, in order). */
export function pythonLinesOf(cellText: string): PythonLine[] {
  const lines = cellText.split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== '');
  const cellMagic = first >= 0 ? /^\s*%%(\w+)/.exec(lines[first]) : null;
  if (cellMagic && !PYTHON_BODY_CELL_MAGICS.has(cellMagic[1])) return lines.map(blank);
  let state: ScanState = { depth: 0, continued: false };
  return lines.map((line, i) => {
    if (cellMagic && i === first) return cellMagicLine(line, cellMagic[1]);
    // IPython reads a magic only where a statement starts: inside brackets, a string or after a `\`,
    // a line starting with % or ! is Python (`"%s"\n % name`, `(a\n != b)`).
    const startsStatement = !state.open && state.depth === 0 && !state.continued;
    const python = startsStatement ? pythonLineOf(line) : kept(line);
    if (python.keepTo === Infinity) state = scanLine(python.text, state);
    return python;
  });
}

/** The first line of a cell magic whose body is Python: `%%capture out` defines `out`; the others define nothing. */
function cellMagicLine(line: string, magic: string): PythonLine {
  if (magic !== 'capture') return blank(line);
  const name = /^(\s*%%capture(?:\s+--?[\w-]+)*\s+)([A-Za-z_]\w*)\s*$/.exec(line);
  if (!name) return blank(line);
  const at = name[1].length;
  return { text: `${name[2]} = eval('')`, length: line.length, keepFrom: at, keepTo: at + name[2].length, shift: at };
}

function pythonLineOf(line: string): PythonLine {
  const indent = /^\s*/.exec(line)?.[0] ?? '';
  const rest = line.slice(indent.length);
  if (rest.startsWith('%') || rest.startsWith('!')) {
    const magic = /^%(\w+)(\s+)(?![-!%])(\S.*)$/.exec(rest);
    if (magic && PYTHON_STATEMENT_LINE_MAGICS.has(magic[1])) {
      const shift = 1 + magic[1].length + magic[2].length;
      return { text: indent + magic[3], length: line.length, keepFrom: indent.length + shift, keepTo: Infinity, shift };
    }
    return masked(line, indent);
  }
  if (HELP.test(line)) return masked(line, indent);
  const assignment = MAGIC_ASSIGNMENT.exec(line);
  // eval('') is typed Any in typeshed: no false error on what the magic's value is then used for.
  if (assignment) return { text: `${assignment[1]}eval('')`, length: line.length, keepFrom: 0, keepTo: assignment[1].length, shift: 0 };
  return kept(line);
}

/** Where Python's tokenizer is at the end of a line: in a triple-quoted string, inside brackets, after a `\`. */
export interface ScanState {
  /** The triple quote (`"""` or `\'\'\'`) of a string still open. */
  open?: string;
  /** Brackets open. */
  depth: number;
  /** The line ended with a backslash: the next one continues the statement. */
  continued: boolean;
}

/** The tokenizer's state after a line of Python, given the state before it (strings, comments, brackets, as far as one line shows). */
export function scanLine(line: string, before: ScanState): ScanState {
  let open = before.open;
  let depth = before.depth;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (open) {
      if (c === '\\') i += 2;
      else if (line.startsWith(open, i)) {
        i += 3;
        open = undefined;
      } else i++;
      continue;
    }
    if (c === '#') break;
    if (c === '"' || c === "'") {
      if (line.startsWith(c.repeat(3), i)) {
        open = c.repeat(3);
        i += 3;
        continue;
      }
      // A one-line string: to its closing quote (or the line's end).
      i++;
      while (i < line.length && line[i] !== c) i += line[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
    i++;
  }
  return { ...(open ? { open } : {}), depth, continued: !open && /\\$/.test(line) && !/#/.test(line.slice(line.lastIndexOf('\\'))) };
}

/** Whether cell column `character` of a line is kept. */
export function isKept(line: PythonLine, character: number): boolean {
  return character >= line.keepFrom && character < line.keepTo;
}
