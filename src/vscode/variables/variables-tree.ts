import * as vscode from 'vscode';
import { KernelBusyError } from '../../core/variables';
import type { VariableInspector, VariableSummary } from '../../core/variables';
import { messageOf } from '../../core/util/errors';

/** Items (of a list, a dict, an object's attributes) fetched per page when a variable is expanded. */
export const CHILDREN_PAGE = 100;

/** A variable or a value inside one. */
export class VariableNode {
  /** The children fetched so far (pages), and how many there are in all. */
  loaded: VariableNode[] = [];
  total: number | undefined;
  /** Why its children could not be fetched (shown in their place). */
  problem: string | undefined;

  constructor(
    readonly summary: VariableSummary,
    /** The notebook's kernel it belongs to (its id keeps the node's expansion across refreshes). */
    readonly notebook: vscode.NotebookDocument,
  ) {}
}

/** "Show more" at the end of a variable's fetched children. */
export class MoreNode {
  constructor(readonly parent: VariableNode) {}
}

/** Why a variable's children are not shown. */
export class ProblemNode {
  constructor(readonly text: string) {}
}

export type TreeNode = VariableNode | MoreNode | ProblemNode;

/** One line under the name: the type, the size or shape, the short value. */
export function describeVariable(v: VariableSummary): string {
  const size = v.shape ? v.shape.join(' × ') : v.size !== undefined ? `${v.size}` : undefined;
  return [v.type, size, v.value].filter((p) => p !== undefined && p !== '').join('  ·  ');
}

/**
 * The Variables view's content: the variables of one notebook's kernel, as last fetched (a refresh
 * replaces them whole), each expandable a page at a time. The list is fetched by `refresh`, never by VS
 * Code asking for the root, so that showing the view costs the kernel nothing more.
 */
export class VariablesTree implements vscode.TreeDataProvider<TreeNode> {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: VariableNode[] = [];
  private notebook: vscode.NotebookDocument | undefined;
  private inspector: VariableInspector | undefined;
  /** How many names the last list had beyond those shown (the kernel caps a list). */
  private beyond = 0;

  /** Shows the variables of another kernel (none: an empty view). */
  show(notebook: vscode.NotebookDocument | undefined, inspector: VariableInspector | undefined): void {
    if (notebook === this.notebook && inspector === this.inspector) return;
    this.notebook = notebook;
    this.inspector = inspector;
    this.roots = [];
    this.beyond = 0;
    this.changed.fire(undefined);
  }

  /**
   * Fetches the list again. Resolves to what the view should say of it: undefined when it is fresh, a
   * sentence when it is not (the kernel is running a cell and has no subshell: the values stay those from
   * when its last cell ended; or the kernel did not answer).
   */
  async refresh(showAll: boolean): Promise<string | undefined> {
    const { notebook, inspector } = this;
    if (!notebook || !inspector) return undefined;
    try {
      const list = await inspector.list({ all: showAll });
      if (inspector !== this.inspector) return undefined; // another notebook came in front meanwhile
      this.roots = list.variables.map((v) => new VariableNode(v, notebook));
      this.beyond = list.total - list.variables.length;
      this.changed.fire(undefined);
      return this.beyond > 0 ? `${this.beyond} more names not shown (the first ${list.variables.length} are).` : undefined;
    } catch (e) {
      if (e instanceof KernelBusyError) return 'Running a cell: the values are from when the last cell ended (this kernel has no subshells to look from while a cell runs; ipykernel 7 has).';
      return `The kernel did not list its variables: ${messageOf(e)}`;
    }
  }

  /** Whose variables the view shows. */
  get inspectorShown(): VariableInspector | undefined {
    return this.inspector;
  }

  /** The names listed now. */
  get names(): string[] {
    return this.roots.map((r) => r.summary.name);
  }

  get isEmpty(): boolean {
    return this.roots.length === 0;
  }

  /** Fetches the next page of a variable's children. */
  async more(node: MoreNode): Promise<void> {
    await this.fetchChildren(node.parent);
    this.changed.fire(node.parent);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (node instanceof ProblemNode) {
      const item = new vscode.TreeItem(node.text);
      item.iconPath = new vscode.ThemeIcon('warning');
      return item;
    }
    if (node instanceof MoreNode) {
      const item = new vscode.TreeItem(`Show ${CHILDREN_PAGE} more…`);
      item.description = `${node.parent.loaded.length} of ${node.parent.total}`;
      item.command = { command: 'jupyterRemote.variables.more', title: 'Show More', arguments: [node] };
      return item;
    }
    const v = node.summary;
    const item = new vscode.TreeItem(v.name, v.children ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `${node.notebook.uri.toString()}#${JSON.stringify(v.path)}`;
    item.description = describeVariable(v);
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${escapeMarkdown(v.name)}**: ${escapeMarkdown(v.type)}`);
    if (v.shape) tooltip.appendMarkdown(`, shape ${v.shape.join(' × ')}`);
    else if (v.size !== undefined) tooltip.appendMarkdown(`, ${v.size} item${v.size === 1 ? '' : 's'}`);
    tooltip.appendCodeblock(v.value, 'text');
    item.tooltip = tooltip;
    item.contextValue = v.table ? 'variable.table' : 'variable';
    return item;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) return this.roots;
    if (!(node instanceof VariableNode)) return [];
    if (node.total === undefined) {
      node.loaded = [];
      await this.fetchChildren(node);
    }
    if (node.problem) return [...node.loaded, new ProblemNode(node.problem)];
    return node.total !== undefined && node.loaded.length < node.total ? [...node.loaded, new MoreNode(node)] : node.loaded;
  }

  dispose(): void {
    this.changed.dispose();
  }

  private async fetchChildren(node: VariableNode): Promise<void> {
    const inspector = this.inspector;
    if (!inspector) return;
    try {
      const page = await inspector.children(node.summary.path, node.loaded.length, CHILDREN_PAGE);
      node.loaded.push(...page.children.map((v) => new VariableNode(v, node.notebook)));
      node.total = page.total;
    } catch (e) {
      // Shown in place of its children (a toast would come again with each refresh while a cell runs).
      node.total = node.loaded.length;
      node.problem = `Could not look inside: ${messageOf(e)}`;
    }
  }
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
