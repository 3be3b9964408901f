import * as vscode from 'vscode';
import type { CompletionEntry, Diagnostic, DocumentSymbol, HoverText, Range, SignatureHelp } from '../../core/language';

/** LSP shapes (core/language) as VS Code's. */

export const toRange = (r: Range): vscode.Range => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);

/** A language server's Markdown is shown as Markdown without HTML or commands; plain text stays plain. */
export function toMarkdown(text: HoverText): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  if (text.markdown) md.appendMarkdown(text.value);
  else md.appendText(text.value);
  return md;
}

const SEVERITY: Record<number, vscode.DiagnosticSeverity> = {
  1: vscode.DiagnosticSeverity.Error,
  2: vscode.DiagnosticSeverity.Warning,
  3: vscode.DiagnosticSeverity.Information,
  4: vscode.DiagnosticSeverity.Hint,
};

export function toDiagnostic(d: Diagnostic, source: string): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(d.range), d.message, SEVERITY[d.severity ?? 1] ?? vscode.DiagnosticSeverity.Error);
  diagnostic.source = source;
  if (d.code !== undefined) diagnostic.code = d.code;
  const tags = (d.tags ?? []).map((t) => (t === 1 ? vscode.DiagnosticTag.Unnecessary : t === 2 ? vscode.DiagnosticTag.Deprecated : undefined)).filter((t): t is vscode.DiagnosticTag => t !== undefined);
  if (tags.length) diagnostic.tags = tags;
  return diagnostic;
}

export function toSymbol(s: DocumentSymbol): vscode.DocumentSymbol {
  // LSP's SymbolKind starts at 1 (File); VS Code's enum at 0.
  const kind = Math.max(0, Math.min(s.kind - 1, vscode.SymbolKind.TypeParameter)) as vscode.SymbolKind;
  const symbol = new vscode.DocumentSymbol(s.name, s.detail ?? '', kind, toRange(s.range), toRange(s.selectionRange));
  symbol.children = s.children.map(toSymbol);
  return symbol;
}

export function toSignatureHelp(help: SignatureHelp): vscode.SignatureHelp {
  const out = new vscode.SignatureHelp();
  out.signatures = help.signatures.map((s) => {
    const info = new vscode.SignatureInformation(s.label, s.documentation && toMarkdown(s.documentation));
    info.parameters = s.parameters.map((p) => new vscode.ParameterInformation(p.label, p.documentation && toMarkdown(p.documentation)));
    return info;
  });
  out.activeSignature = help.activeSignature;
  out.activeParameter = help.activeParameter;
  return out;
}

export function toCompletionItem(e: CompletionEntry): vscode.CompletionItem {
  // LSP's CompletionItemKind starts at 1 (Text); VS Code's enum at 0.
  const kind = e.kind !== undefined ? (Math.max(0, Math.min(e.kind - 1, vscode.CompletionItemKind.TypeParameter)) as vscode.CompletionItemKind) : undefined;
  const item = new vscode.CompletionItem(e.label, kind);
  if (e.detail) item.detail = e.detail;
  if (e.documentation) item.documentation = toMarkdown(e.documentation);
  if (e.insertText !== undefined) item.insertText = e.insertText;
  if (e.range) item.range = toRange(e.range);
  if (e.sortText) item.sortText = e.sortText;
  if (e.filterText) item.filterText = e.filterText;
  return item;
}
