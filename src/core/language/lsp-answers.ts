import { isObject } from '../api/validate';
import { fencedCodeBlock } from '../util/markdown';
import type { CompletionEntry, Diagnostic, DocumentSymbol, HoverText, Position, Range, SignatureHelp } from './lsp-types';

/**
 * Reading a language server's answers. The protocol allows several forms for most of them (a hover's
 * MarkedString, MarkupContent or list; a Location, a list of them or LocationLinks), and a server
 * shared with other clients answers in the forms its first client asked for. Whatever does not have
 * the expected shape is left out, never thrown.
 */

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function positionOf(v: unknown): Position | undefined {
  return isObject(v) && isNumber(v.line) && isNumber(v.character) ? { line: v.line, character: v.character } : undefined;
}

export function rangeOf(v: unknown): Range | undefined {
  if (!isObject(v)) return undefined;
  const start = positionOf(v.start);
  const end = positionOf(v.end);
  return start && end ? { start, end } : undefined;
}

/** MarkupContent, a MarkedString (a string or `{language, value}`), or a list of them, as one text. */
export function textOf(v: unknown): HoverText | undefined {
  if (typeof v === 'string') return v ? { markdown: true, value: v } : undefined;
  if (Array.isArray(v)) {
    const parts = v.map(textOf).filter((t): t is HoverText => !!t);
    return parts.length ? { markdown: true, value: parts.map((p) => (p.markdown ? p.value : escapeMarkdown(p.value))).join('\n\n---\n\n') } : undefined;
  }
  if (!isObject(v) || typeof v.value !== 'string' || !v.value) return undefined;
  if (v.kind === 'plaintext') return { markdown: false, value: v.value };
  if (v.kind === 'markdown') return { markdown: true, value: v.value };
  if (typeof v.language === 'string') return { markdown: true, value: fencedCodeBlock(v.value, v.language.replace(/[^\w+.-]/g, '')) };
  return undefined;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&');
}

export function hoverOf(v: unknown): { text: HoverText; range?: Range } | undefined {
  if (!isObject(v)) return undefined;
  const text = textOf(v.contents);
  if (!text) return undefined;
  const range = rangeOf(v.range);
  return range ? { text, range } : { text };
}

/** Location, Location[] or LocationLink[] as locations (a link's target selection, where the name is). */
export function locationsOf(v: unknown): { uri: string; range: Range }[] {
  const list = Array.isArray(v) ? v : v ? [v] : [];
  const out: { uri: string; range: Range }[] = [];
  for (const item of list) {
    if (!isObject(item)) continue;
    if (typeof item.uri === 'string') {
      const range = rangeOf(item.range);
      if (range) out.push({ uri: item.uri, range });
    } else if (typeof item.targetUri === 'string') {
      const range = rangeOf(item.targetSelectionRange) ?? rangeOf(item.targetRange);
      if (range) out.push({ uri: item.targetUri, range });
    }
  }
  return out;
}

export function signatureHelpOf(v: unknown): SignatureHelp | undefined {
  if (!isObject(v) || !Array.isArray(v.signatures) || !v.signatures.length) return undefined;
  const signatures: SignatureHelp['signatures'] = [];
  for (const s of v.signatures) {
    if (!isObject(s) || typeof s.label !== 'string') continue;
    const parameters: SignatureHelp['signatures'][number]['parameters'] = [];
    for (const p of Array.isArray(s.parameters) ? s.parameters : []) {
      if (!isObject(p)) continue;
      const label = typeof p.label === 'string' ? p.label : Array.isArray(p.label) && p.label.length === 2 && p.label.every(isNumber) ? ([p.label[0], p.label[1]] as [number, number]) : undefined;
      if (label === undefined) continue;
      const documentation = textOf(p.documentation);
      parameters.push(documentation ? { label, documentation } : { label });
    }
    const documentation = textOf(s.documentation);
    signatures.push({ label: s.label, parameters, ...(documentation ? { documentation } : {}) });
  }
  if (!signatures.length) return undefined;
  const active = isNumber(v.activeSignature) ? Math.min(v.activeSignature, signatures.length - 1) : 0;
  const own = v.signatures[active];
  const parameter = isObject(own) && isNumber(own.activeParameter) ? own.activeParameter : isNumber(v.activeParameter) ? v.activeParameter : 0;
  return { signatures, activeSignature: active, activeParameter: parameter };
}

export function symbolsOf(v: unknown): DocumentSymbol[] {
  if (!Array.isArray(v)) return [];
  const out: DocumentSymbol[] = [];
  for (const s of v) {
    if (!isObject(s) || typeof s.name !== 'string' || !isNumber(s.kind)) continue;
    // DocumentSymbol; a server that sends the flat SymbolInformation form gives its location's range.
    const range = rangeOf(s.range) ?? (isObject(s.location) ? rangeOf(s.location.range) : undefined);
    if (!range) continue;
    out.push({
      name: s.name,
      kind: s.kind,
      range,
      selectionRange: rangeOf(s.selectionRange) ?? range,
      children: symbolsOf(s.children),
      ...(typeof s.detail === 'string' ? { detail: s.detail } : {}),
    });
  }
  return out;
}

export function completionsOf(v: unknown): CompletionEntry[] {
  const items = Array.isArray(v) ? v : isObject(v) && Array.isArray(v.items) ? v.items : [];
  const out: CompletionEntry[] = [];
  for (const item of items) {
    if (!isObject(item) || typeof item.label !== 'string') continue;
    const entry: CompletionEntry = { label: item.label };
    if (isNumber(item.kind)) entry.kind = item.kind;
    if (typeof item.detail === 'string') entry.detail = item.detail;
    const documentation = textOf(item.documentation);
    if (documentation) entry.documentation = documentation;
    if (typeof item.sortText === 'string') entry.sortText = item.sortText;
    if (typeof item.filterText === 'string') entry.filterText = item.filterText;
    const edit = isObject(item.textEdit) ? item.textEdit : undefined;
    if (edit && typeof edit.newText === 'string') {
      entry.insertText = edit.newText;
      const range = rangeOf(edit.range) ?? rangeOf(edit.replace);
      if (range) entry.range = range;
    } else if (typeof item.insertText === 'string') entry.insertText = item.insertText;
    out.push(entry);
  }
  return out;
}

export function diagnosticsOf(v: unknown): { uri: string; version?: number; diagnostics: Diagnostic[] } | undefined {
  if (!isObject(v) || typeof v.uri !== 'string' || !Array.isArray(v.diagnostics)) return undefined;
  const diagnostics: Diagnostic[] = [];
  for (const d of v.diagnostics) {
    if (!isObject(d) || typeof d.message !== 'string') continue;
    const range = rangeOf(d.range);
    if (!range) continue;
    const diagnostic: Diagnostic = { range, message: d.message };
    if (isNumber(d.severity)) diagnostic.severity = d.severity;
    if (typeof d.code === 'string' || isNumber(d.code)) diagnostic.code = d.code;
    if (typeof d.source === 'string') diagnostic.source = d.source;
    if (Array.isArray(d.tags)) diagnostic.tags = d.tags.filter(isNumber);
    diagnostics.push(diagnostic);
  }
  return { uri: v.uri, ...(isNumber(v.version) ? { version: v.version } : {}), diagnostics };
}
