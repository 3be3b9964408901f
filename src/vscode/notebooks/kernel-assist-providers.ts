import * as vscode from 'vscode';
import { callAt, signatureOf } from '../../core/kernel';
import type { Completion, KernelAssist } from '../../core/kernel';
import { fencedCodeBlock } from '../../core/util/markdown';
import { NOTEBOOK_TYPE, signalOf, withTimeout } from '../shared';
import type { LanguageAnswers } from '../language';
import type { KernelControllers } from './kernel-controllers';

/** IPython's completion types as VS Code's kinds. */
const KINDS: Record<string, vscode.CompletionItemKind> = {
  function: vscode.CompletionItemKind.Function,
  builtin_function_or_method: vscode.CompletionItemKind.Function,
  magic: vscode.CompletionItemKind.Function,
  class: vscode.CompletionItemKind.Class,
  type: vscode.CompletionItemKind.Class,
  module: vscode.CompletionItemKind.Module,
  keyword: vscode.CompletionItemKind.Keyword,
  instance: vscode.CompletionItemKind.Variable,
  statement: vscode.CompletionItemKind.Variable,
  param: vscode.CompletionItemKind.Variable,
  property: vscode.CompletionItemKind.Property,
  path: vscode.CompletionItemKind.File,
  dict_key: vscode.CompletionItemKind.Constant,
};

/**
 * The kernel's inspect text as Markdown: a code block that no line of the text can close (not
 * appendCodeblock, whose fixed ``` fence a line of ``` in a docstring ends), so none of it is markup.
 */
function docs(text: string): vscode.MarkdownString {
  return new vscode.MarkdownString().appendMarkdown(fencedCodeBlock(text.trimEnd(), 'text'));
}

/** How long the language server may take before the kernel's answer is shown alone (typing is never held up). */
const LANGUAGE_SERVER_BUDGET_MS = { completions: 500, hover: 1000, signatures: 500 };


const labelOf = (item: vscode.CompletionItem): string => (typeof item.label === 'string' ? item.label : item.label.label);

/**
 * Completions, hover docs and signature help for the cells of notebooks that run on a Jupyter Remote
 * kernel, from that kernel (the remote environment's packages and the names its cells defined) and
 * from the server's language server where one serves the notebook (`language`, which knows the code
 * before it runs). Completions: the kernel's first, then the language server's that the kernel did not
 * give. Hover and signatures: the language server's, else the kernel's; never both for one name. The
 * language server is waited for only so long (LANGUAGE_SERVER_BUDGET_MS). A
 * notebook without a running kernel of ours gets the language server's alone (asking never starts a
 * kernel), and a late, failed or cancelled answer is nothing rather than an error: typing is never in
 * the way.
 */
export function registerKernelAssist(controllers: KernelControllers, language: () => LanguageAnswers | undefined): vscode.Disposable[] {
  const selector: vscode.DocumentSelector = { notebookType: NOTEBOOK_TYPE };
  const assistFor = (document: vscode.TextDocument): KernelAssist | undefined => {
    const notebook = vscode.workspace.notebookDocuments.find((nb) => nb.notebookType === NOTEBOOK_TYPE && nb.getCells().some((c) => c.document === document));
    return notebook ? controllers.assistOf(notebook) : undefined;
  };
  /** What resolveCompletionItem needs of an item: the code it completes. */
  const origins = new WeakMap<vscode.CompletionItem, { assist: KernelAssist; code: string }>();

  const fromKernel = async (document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.CompletionItem[]> => {
    const assist = assistFor(document);
    if (!assist) return [];
    const code = document.getText();
    const found = await assist.complete(code, document.offsetAt(position), signalOf(token)).catch(() => undefined);
    return (found ?? []).map((c: Completion, i) => {
      const item = new vscode.CompletionItem(c.text, (c.type ? KINDS[c.type] : undefined) ?? vscode.CompletionItemKind.Text);
      item.range = new vscode.Range(document.positionAt(c.start), document.positionAt(c.end));
      item.sortText = `0${String(i).padStart(5, '0')}`; // the kernel's order, before the language server's
      if (c.signature) item.detail = c.signature;
      origins.set(item, { assist, code: code.slice(0, c.start) + c.text });
      return item;
    });
  };

  const completions: vscode.CompletionItemProvider = {
    async provideCompletionItems(document, position, token) {
      const [kernel, server] = await Promise.all([
        fromKernel(document, position, token),
        withTimeout(language()?.completions(document, position, token) ?? Promise.resolve(undefined), LANGUAGE_SERVER_BUDGET_MS.completions, undefined),
      ]);
      if (token.isCancellationRequested) return undefined;
      const have = new Set(kernel.map(labelOf));
      const added = (server ?? []).filter((item) => !have.has(labelOf(item)));
      for (const item of added) item.sortText = `1${item.sortText ?? labelOf(item)}`;
      const all = [...kernel, ...added];
      return all.length ? all : undefined;
    },
    async resolveCompletionItem(item, token) {
      const origin = origins.get(item);
      if (!origin || item.kind === vscode.CompletionItemKind.File) return item;
      const info = await origin.assist.inspect(origin.code, origin.code.length, signalOf(token)).catch(() => undefined);
      if (info) item.documentation = docs(info.text);
      return item;
    },
  };

  const hover: vscode.HoverProvider = {
    async provideHover(document, position, token) {
      const served = await withTimeout(language()?.hover(document, position, token) ?? Promise.resolve(undefined), LANGUAGE_SERVER_BUDGET_MS.hover, undefined);
      if (served || token.isCancellationRequested) return served;
      const assist = assistFor(document);
      const word = assist && document.getWordRangeAtPosition(position);
      if (!assist || !word) return undefined;
      const info = await assist.inspect(document.getText(), document.offsetAt(word.end), signalOf(token)).catch(() => undefined);
      return info && !token.isCancellationRequested ? new vscode.Hover(docs(info.text), word) : undefined;
    },
  };

  const signatures: vscode.SignatureHelpProvider = {
    async provideSignatureHelp(document, position, token) {
      const served = await withTimeout(language()?.signatureHelp(document, position, token) ?? Promise.resolve(undefined), LANGUAGE_SERVER_BUDGET_MS.signatures, undefined);
      if (served || token.isCancellationRequested) return served;
      const assist = assistFor(document);
      if (!assist) return undefined;
      const code = document.getText();
      const call = callAt(code, document.offsetAt(position));
      if (!call) return undefined;
      const info = await assist.inspect(code, call.paren, signalOf(token)).catch(() => undefined);
      const signature = info && signatureOf(info.text);
      if (!signature || token.isCancellationRequested) return undefined;
      const help = new vscode.SignatureHelp();
      const shown = new vscode.SignatureInformation(signature.label, docs(info.text.replace(/^Signature:.*$/m, '').trim()));
      shown.parameters = signature.parameters.map((p) => new vscode.ParameterInformation(p));
      help.signatures = [shown];
      help.activeSignature = 0;
      help.activeParameter = Math.min(call.argument, Math.max(0, signature.parameters.length - 1));
      return help;
    },
  };

  return [
    vscode.languages.registerCompletionItemProvider(selector, completions, '.'),
    vscode.languages.registerHoverProvider(selector, hover),
    vscode.languages.registerSignatureHelpProvider(selector, signatures, '(', ','),
  ];
}
