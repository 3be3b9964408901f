import { Parser } from 'htmlparser2';

/**
 * A small element tree over htmlparser2's events, for reading a Hub's spawn page (hub-spawn-form.ts):
 * bounded nesting, every walk a loop, and text as plain text (no markup, no control or bidi
 * characters, capped).
 */

/** Hub pages nest ~30 deep; a bound keeps every walk over ancestors cheap on a hostile page. */
export const MAX_DEPTH = 256;
export const MAX_LABEL = 200;

export interface El {
  name: string;
  attrs: Record<string, string>;
  children: Array<El | string>;
  parent: El | undefined;
}

/** The page as a tree, or undefined when it nests deeper than MAX_DEPTH (the parse stops there). */
export function parseHtml(html: string): El | undefined {
  const root: El = { name: '#root', attrs: {}, children: [], parent: undefined };
  const tooDeep = new Error('too deep');
  let current = root;
  let depth = 0;
  // htmlparser2 closes implied and void elements itself, so every open has its close.
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (++depth > MAX_DEPTH) throw tooDeep;
        const el: El = { name, attrs, children: [], parent: current };
        current.children.push(el);
        current = el;
      },
      onclosetag() {
        current = current.parent ?? root;
        depth--;
      },
      ontext(text) {
        // htmlparser2 cuts text at entities: one string per run of text.
        const last = current.children.length - 1;
        if (typeof current.children[last] === 'string') current.children[last] += text;
        else current.children.push(text);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  try {
    parser.end(html);
  } catch (e) {
    if (e === tooDeep) return undefined;
    throw e;
  }
  return root;
}

/** A textarea's text as a browser reads it: htmlparser2 keeps it raw, entities and all. */
export function rcdata(raw: string): string {
  let text = '';
  new Parser({ ontext: (t) => (text += t) }, { decodeEntities: true }).end(raw.replace(/</g, '&lt;'));
  return text;
}

/** The elements under `root`, in document order (iterative: a page may nest deeper than the stack). */
export function* descendants(root: El, skip: (el: El) => boolean = () => false): Generator<El> {
  const stack: El[] = [...elementsOf(root)].reverse();
  for (let el = stack.pop(); el; el = stack.pop()) {
    if (skip(el)) continue;
    yield el;
    stack.push(...[...elementsOf(el)].reverse());
  }
}

export function* elementsOf(el: El): Generator<El> {
  for (const c of el.children) if (typeof c !== 'string') yield c;
}

export function ancestors(el: El): El[] {
  const out: El[] = [];
  for (let p = el.parent; p; p = p.parent) out.push(p);
  return out;
}

export const NOT_TEXT = new Set(['script', 'style', 'template', 'noscript', 'select', 'textarea', 'option']);
/** Elements that do not break a line of text (others read as a space). */
export const INLINE = new Set(['a', 'abbr', 'b', 'bdi', 'cite', 'code', 'data', 'dfn', 'em', 'font', 'i', 'kbd', 'mark', 'q', 's', 'samp', 'small', 'span', 'strong', 'sub', 'sup', 'time', 'tt', 'u', 'var']);

/** `el`'s children for a walk in document order over a stack, spaces where a browser breaks the text. */
export function pushChildren(stack: Array<El | string>, el: El): void {
  const inline = INLINE.has(el.name);
  if (!inline) stack.push(' ');
  for (let i = el.children.length - 1; i >= 0; i--) stack.push(el.children[i]);
  if (!inline) stack.push(' ');
}

/** The text a person reads in `el`, as plain text; `skip` leaves out whole subtrees. */
export function textOf(el: El, max = MAX_LABEL, skip: (el: El) => boolean = () => false): string {
  const parts: string[] = [];
  const stack: Array<El | string> = [];
  pushChildren(stack, el);
  for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
    if (typeof n === 'string') parts.push(n);
    else if (!NOT_TEXT.has(n.name) && !skip(n)) pushChildren(stack, n);
  }
  return plain(parts.join(''), max);
}

/** Collapsed whitespace, no control or bidi-override characters, at most `max` characters. */
export function plain(text: string, max: number): string {
  const s = text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1).trimEnd()}…` : s;
}
