// Drives code-server's workbench the way a person does: the command palette, quick picks, input boxes,
// modal dialogs, the status bar, the notebook editor and its outputs (shared/E2E.md). Every wait is on
// what the screen shows, with a bounded time.
import type { Frame, FrameLocator, Locator, Page } from 'playwright-core';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(what: string, fn: () => T | undefined | false | null | Promise<T | undefined | false | null>, timeoutMs = 20000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${last ? ` (${(last as Error).message.split('\n')[0]})` : ''}`);
    await sleep(everyMs);
  }
}

/** What the page scripts below use of a DOM element (this project compiles without the DOM's types). */
interface PageNode {
  textContent: string | null;
  style?: { top: string };
  parentElement: PageNode | null;
  querySelectorAll(selector: string): ArrayLike<PageNode> & Iterable<PageNode>;
}

export class Workbench {
  constructor(readonly page: Page) {}

  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Keystrokes go nowhere until something in the workbench has focus. */
  async focus(): Promise<void> {
    await this.page.locator('.part.statusbar').click({ position: { x: 700, y: 5 } });
  }

  async waitForWorkbench(): Promise<void> {
    await this.page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60000 });
    await this.page.locator('.monaco-workbench .part.editor').waitFor({ timeout: 60000 });
  }

  async escapeAll(): Promise<void> {
    for (let i = 0; i < 3 && (await this.quickInput.isVisible()); i++) {
      await this.page.keyboard.press('Escape');
      await sleep(100);
    }
  }

  /**
   * Runs a command from the palette by its title. Contributed commands appear only once the extension
   * host runs, so the palette is reopened until the command is listed.
   */
  async runCommand(title: string, timeoutMs = 30000): Promise<void> {
    await until(`"${title}" in the command palette`, async () => {
      await this.escapeAll();
      await this.focus();
      await this.page.keyboard.press('F1');
      await this.quickInput.locator('input').waitFor({ state: 'visible', timeout: 5000 });
      await this.quickInput.locator('input').fill(`>${title}`);
      const row = this.quickInput.locator('.monaco-list-row', { has: this.page.locator('.label-name', { hasText: title }) }).first();
      try {
        await row.waitFor({ state: 'visible', timeout: 3000 });
      } catch {
        return false;
      }
      // The row whose label is exactly the title (the palette also lists partial matches).
      const rows = this.quickInput.locator('.monaco-list-row');
      const count = await rows.count();
      for (let i = 0; i < count; i++) {
        const label = (await rows.nth(i).locator('.label-name').first().innerText()).trim();
        if (label === title) {
          await rows.nth(i).click();
          return true;
        }
      }
      return false;
    }, timeoutMs, 500);
  }

  /** The title of the quick input shown now ('' when none). */
  async quickInputTitle(): Promise<string> {
    if (!(await this.quickInput.isVisible())) return '';
    return (await this.quickInput.locator('.quick-input-title').innerText().catch(() => '')).trim();
  }

  async waitForQuickInput(titlePart: string | RegExp, timeoutMs = 20000): Promise<void> {
    await until(`a box titled ${titlePart}`, async () => {
      const title = await this.quickInputTitle();
      return typeof titlePart === 'string' ? title.includes(titlePart) : titlePart.test(title);
    }, timeoutMs);
  }

  /** Types (or "pastes": line breaks are dropped as the one-line box does) into the open quick input, then Enter. */
  async answer(text: string, { paste = false } = {}): Promise<void> {
    const input = this.quickInput.locator('input').first();
    await input.waitFor({ state: 'visible' });
    await input.fill('');
    if (paste) {
      await input.focus();
      await this.page.keyboard.insertText(text);
    } else {
      await input.fill(text);
    }
    await sleep(150);
    await this.page.keyboard.press('Enter');
  }

  /** Name (first label: the detail line has one too) and description of each row of the open quick pick. */
  async quickPickRows(): Promise<{ label: string; description: string }[]> {
    return this.quickInput.locator('.monaco-list-row').evaluateAll((rows) =>
      rows.map((row) => ({
        label: (row.querySelector('.label-name')?.textContent ?? '').trim(),
        description: (row.querySelector('.label-description')?.textContent ?? '').trim(),
      })),
    );
  }

  async quickPickLabels(): Promise<string[]> {
    return (await this.quickPickRows()).map((r) => r.label);
  }

  /** Clicks the quick pick row whose label contains `label` (and whose description contains `description`, if given). */
  async pick(label: string | RegExp, description?: string | RegExp, timeoutMs = 20000): Promise<void> {
    const matches = (want: string | RegExp, got: string) => (typeof want === 'string' ? got.includes(want) : want.test(got));
    await until(`a pick "${label}"${description ? ` / "${description}"` : ''}`, async () => {
      const index = (await this.quickPickRows()).findIndex((r) => matches(label, r.label) && (!description || matches(description, r.description)));
      if (index < 0) return false;
      await this.quickInput.locator('.monaco-list-row').nth(index).click({ timeout: 3000 });
      return true;
    }, timeoutMs, 250);
  }

  /** A modal dialog's message and detail. */
  async dialogText(timeoutMs = 20000): Promise<string> {
    const box = this.page.locator('.monaco-dialog-box');
    await box.waitFor({ state: 'visible', timeout: timeoutMs });
    return (await box.innerText()).trim();
  }

  async dialogButton(label: string): Promise<void> {
    await this.page.locator('.monaco-dialog-box .monaco-button', { hasText: label }).first().click();
    await this.page.locator('.monaco-dialog-box').waitFor({ state: 'hidden' });
  }

  /** Texts of the notification toasts shown now. */
  async notifications(): Promise<string[]> {
    return (await this.page.locator('.notification-toast .notification-list-item-message').allInnerTexts()).map((s) => s.trim());
  }

  /** The status bar entries' texts. */
  async statusBarTexts(): Promise<string[]> {
    return (await this.page.locator('.part.statusbar .statusbar-item').allInnerTexts()).map((s) => s.trim()).filter(Boolean);
  }

  statusBarItem(text: string | RegExp): Locator {
    return this.page.locator('.part.statusbar .statusbar-item', { hasText: text }).first();
  }

  /** Opens a workspace file by name through Quick Open; for a notebook, waits for its cells. */
  async openFile(name: string): Promise<void> {
    // Enter only once the list has settled with the file itself first: while it still filters, the first row
    // can be another (a recently opened `hello-today.ipynb` for `hello.ipynb`), and rows are reused as it
    // re-renders, so even clicking a matching row can land on another file. Then wait for the file's own tab.
    // The row's name alone (in a multi-root workspace its folder's name follows on the same line).
    const firstName = async () => (await this.quickInput.locator('.monaco-list-row').first().locator('.label-name').first().innerText({ timeout: 1000 }).catch(() => '')).trim();
    // A file written a moment ago may be missing from Quick Open's file search for a while ("No matching
    // results" for 20 s seen, the Explorer listing it): each new Quick Open searches anew.
    for (let attempt = 1; ; attempt++) {
      await this.escapeAll();
      await this.focus();
      await this.page.keyboard.press('Control+P');
      await this.quickInput.locator('input').waitFor({ state: 'visible' });
      await this.quickInput.locator('input').fill(name);
      const listed = await until(`Quick Open to list ${name} first`, async () => (await firstName()) === name, 5000, 100).then(() => true, (e: unknown) => {
        if (attempt === 4) throw e;
        return false;
      });
      if (listed) break;
    }
    await this.page.keyboard.press('Enter');
    await until(`the tab of ${name} in front`, async () => ((await this.page.locator('.tab.active').first().innerText({ timeout: 1000 }).catch(() => '')).split('\n')[0] ?? '').trim() === name, 30000, 100);
    if (name.endsWith('.ipynb')) await this.notebook.locator('.code-cell-row').first().waitFor({ state: 'visible', timeout: 30000 });
  }

  /** The Explorer's rows shown now (it renders only what is near the viewport), with their tree depth. */
  async explorerRows(): Promise<{ label: string; level: number }[]> {
    return this.page.locator('.explorer-folders-view .monaco-list-row').evaluateAll((rows) =>
      rows.map((row) => ({ label: (row.querySelector('.label-name')?.textContent ?? '').trim(), level: Number(row.getAttribute('aria-level') ?? 0) })),
    );
  }

  /** The first Explorer row labelled exactly `label`. */
  explorerRow(label: string): Locator {
    return this.page.locator('.explorer-folders-view .monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
  }

  /** Shows the Explorer and waits for its tree. */
  async showExplorer(): Promise<void> {
    await this.runCommand('View: Show Explorer');
    await this.page.locator('.explorer-folders-view').waitFor({ state: 'visible' });
  }

  /** The notebook editor in front. */
  get notebook(): Locator {
    return this.page.locator('.notebook-editor:visible').first();
  }

  /** The rendered outputs of the notebook in front (two iframes deep). */
  get outputs(): FrameLocator {
    return this.page.locator('.notebook-editor:visible').first().frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  }

  async outputText(): Promise<string> {
    return (await this.outputs.locator('body').innerText({ timeout: 5000 }).catch(() => '')) ?? '';
  }

  /** Waits until the notebook's outputs contain each text. */
  async waitForOutput(texts: (string | RegExp)[], timeoutMs = 30000): Promise<string> {
    let text = '';
    await until(`outputs showing ${texts.map(String).join(', ')}`, async () => {
      text = await this.outputText();
      return texts.every((t) => (typeof t === 'string' ? text.includes(t) : t.test(text)));
    }, timeoutMs, 250).catch((e: Error) => {
      throw new Error(`${e.message}; the outputs show: ${JSON.stringify(text.slice(0, 600))}`);
    });
    return text;
  }

  /**
   * Picks a kernel for the notebook in front: the kernel picker, then Jupyter Remote's controller on that
   * server. `filter` is typed into the picker first, as a person does for a kernel far down a long list
   * (the list draws only the rows in view).
   */
  async selectKernel(label: string | RegExp, serverName: string, filter?: string): Promise<void> {
    await this.runCommand('Notebook: Select Notebook Kernel');
    const grouped = await this.openRemoteKernels();
    if (filter) {
      await this.page.keyboard.insertText(filter);
      await until(`the picker filtered to ${filter}`, async () => (await this.quickPickRows()).every((r) => r.label.includes(filter)), 5000, 50);
    }
    // A lone controller is listed by its label only: it is the one wanted if the label matches.
    await this.pick(label, grouped ? serverName : undefined);
    await until('the kernel picker to close', async () => !(await this.quickInput.isVisible()));
    // As a person waits to see the kernel's name on the notebook's toolbar before running: the toolbar
    // redraws its buttons when a kernel is selected, and a click caught in that redraw is lost.
    const shows = (text: string) => (typeof label === 'string' ? text.includes(label) : label.test(text));
    await until(`the notebook toolbar to name the kernel (${String(label)})`, async () => shows(await this.kernelLabel()), 20000);
    await sleep(300);
  }

  /**
   * In the open kernel picker: to the list of every kernel Jupyter Remote offers. The picker first
   * shows suggestions and "Select Another Kernel…" (skipped when there are none); below that come the
   * kernel sources: an extension's name when it offers several kernels (then its kernels, with their
   * descriptions), or the kernel's label alone when it offers one. Resolves whether it was a group.
   */
  async openRemoteKernels(): Promise<boolean> {
    await until('the kernel picker', async () => (await this.quickPickLabels()).length > 0);
    if ((await this.quickPickLabels()).some((l) => /Select Another Kernel/.test(l))) {
      await this.pick(/Select Another Kernel/);
      await until('the kernel sources', async () => /Select Another Kernel|Select Kernel/.test(await this.quickInputTitle()));
    }
    await until('the kernel sources to be listed', async () => (await this.quickPickLabels()).length > 0);
    if (!(await this.quickPickLabels()).includes('Jupyter Remote')) return false;
    await this.pick('Jupyter Remote');
    await until('Jupyter Remote\'s kernels', async () => /from Jupyter Remote/.test(await this.quickInputTitle()));
    return true;
  }

  /** Jupyter Remote's status bar entry. */
  get serverStatus(): Locator {
    return this.page.locator('.part.statusbar .statusbar-item[id$="jupyterRemote.server"]').first();
  }

  /** A button of the notebook toolbar (Run All, Clear All Outputs, Restart Remote Kernel…). */
  notebookToolbarButton(label: string): Locator {
    return this.page.locator('.notebook-toolbar-container:visible').getByRole('button', { name: label }).first();
  }

  /** Scrolls the notebook with the mouse wheel (the outputs webview renders only what is near the viewport). */
  async scrollNotebook(to: 'top' | 'bottom'): Promise<void> {
    const box = await this.notebook.boundingBox();
    if (!box) throw new Error('no notebook editor to scroll');
    await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 10; i++) {
      await this.page.mouse.wheel(0, to === 'top' ? -2000 : 2000);
      await sleep(50);
    }
    await sleep(300);
  }

  /** Closes every editor, saving what has unsaved changes (a notebook that ran has new outputs) as VS Code asks. */
  async closeAllEditors(): Promise<void> {
    await this.runCommand('View: Close All Editors');
    const text = await this.dialogText(3000).catch(() => '');
    if (/save the changes/i.test(text)) await this.dialogButton(/made to \d+ files/.test(text) ? 'Save All' : 'Save');
  }

  /** How many times the palette opened by paletteOpenMs() was closed by VS Code itself before we closed it. */
  paletteClosedByItself = 0;

  /**
   * Opens the command palette and closes it again: how long it took to appear (the editor's
   * responsiveness). The page itself notes the moment the palette is first drawn: VS Code may close it
   * again at once, before a poll could see it, when focus moves behind it. A click in a notebook's
   * output is handled by the notebook editor only when the webview's message about it arrives, and
   * focusing the output then takes the focus from the palette (microsoft/vscode#237425); a person
   * sees the palette flash and presses F1 again, so that counts as opened, and is counted.
   */
  async paletteOpenMs(): Promise<number> {
    // Page scripts as text: they run in the browser, not under this test's compiler and its helpers.
    await this.page.evaluate(`(() => {
      window.jrPalette?.observer.disconnect();
      const drawn = () => {
        const input = document.querySelector('.quick-input-widget input');
        return !!input && input.getClientRects().length > 0 && getComputedStyle(input).visibility !== 'hidden';
      };
      const state = { pressed: performance.now(), shown: undefined };
      state.observer = new MutationObserver(() => {
        if (state.shown === undefined && drawn()) state.shown = performance.now();
      });
      state.observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['style', 'class', 'aria-hidden'] });
      window.jrPalette = state;
    })()`);
    await this.page.keyboard.press('F1');
    const ms = await until('the command palette to be drawn', () => this.page.evaluate<number | null>(`(() => {
      const state = window.jrPalette;
      if (state.shown === undefined) return null;
      state.observer.disconnect();
      return Math.max(state.shown - state.pressed, 0.001);
    })()`), 10000, 20);
    if (await this.quickInput.locator('input').isVisible()) {
      await this.page.keyboard.press('Escape');
    } else {
      this.paletteClosedByItself++;
    }
    await this.quickInput.waitFor({ state: 'hidden', timeout: 10000 });
    return ms;
  }

  /**
   * Drags a slider's handle with the mouse, in small moves as a hand does, to a fraction of its track
   * (0 the left end, 1 the right end; beyond either end holds it there). Playwright gives the boxes of
   * elements inside the outputs webview in the page's coordinates, where the mouse moves.
   */
  async dragSlider(handle: Locator, track: Locator, to: number, steps = 20): Promise<void> {
    const from = await handle.boundingBox();
    const bar = await track.boundingBox();
    if (!from || !bar) throw new Error('the slider is not on screen');
    const y = from.y + from.height / 2;
    await this.page.mouse.move(from.x + from.width / 2, y);
    await this.page.mouse.down();
    await this.page.mouse.move(bar.x + bar.width * to, y, { steps });
    await this.page.mouse.up();
  }

  /** Sets an Explorer folder row open or folded (a click toggles it; a click while the tree redraws may be lost). */
  async setExplorerFolder(label: string, expanded: boolean): Promise<void> {
    const row = this.explorerRow(label);
    await until(`${label} ${expanded ? 'expanded' : 'folded'} in the Explorer`, async () => {
      if ((await row.getAttribute('aria-expanded')) === String(expanded)) return true;
      await row.click();
      await sleep(300);
      return (await row.getAttribute('aria-expanded')) === String(expanded);
    }, 15000, 200);
  }

  /** Puts the cursor in a code cell's editor. */
  async focusCell(index: number | 'last'): Promise<void> {
    await this.revealCell(index);
    await this.cellRow(index).locator('.monaco-editor .view-lines').first().click();
  }

  /** Runs one cell with the run button left of it. */
  async runCell(index: number | 'last'): Promise<void> {
    await this.revealCell(index);
    await this.cellRow(index).hover({ position: { x: 60, y: 12 } });
    await this.cellRunButton(index).click();
  }

  /**
   * Scrolls the notebook with the mouse wheel until the top of a cell is in view, as a person does before
   * reaching for its run button. The notebook list scrolls itself, not the page, so Playwright's own
   * scrolling cannot: a row scrolled above the list's top sits under the breadcrumbs, which take the pointer.
   */
  async revealCell(index: number | 'last'): Promise<void> {
    const row = this.cellRow(index);
    await row.waitFor({ state: 'attached' });
    for (let i = 0; i < 20; i++) {
      const view = await this.notebook.locator('.cell-list-container').first().boundingBox();
      const box = await row.boundingBox();
      if (!view || !box) throw new Error('the notebook or its cell is not on screen');
      const top = box.y - view.y;
      if (top >= 0 && top + 40 <= view.height) return;
      await this.page.mouse.move(view.x + view.width / 2, view.y + view.height / 2);
      await this.page.mouse.wheel(0, top < 0 ? top - 20 : top - view.height / 3);
      await sleep(100);
    }
    throw new Error(`cell ${index} could not be scrolled into view`);
  }

  /** A code cell's row: by index among the rows drawn (the list drops rows far off screen), or the last. */
  cellRow(index: number | 'last'): Locator {
    const rows = this.notebook.locator('.code-cell-row');
    return index === 'last' ? rows.last() : rows.nth(index);
  }

  /** The run button left of a cell (a stop button while it runs). */
  cellRunButton(index: number | 'last'): Locator {
    return this.cellRow(index).locator('.run-button-container .action-label').first();
  }

  /** The kernel shown at the notebook toolbar's right ('' when none is selected). */
  async kernelLabel(): Promise<string> {
    return (await this.notebook.locator('.kernel-label').first().innerText().catch(() => '')).trim();
  }

  /** The execution counts shown left of each code cell ('' for a cell never run). */
  async executionCounts(): Promise<string[]> {
    const cells = this.notebook.locator('.code-cell-row');
    const n = await cells.count();
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      out.push((await cells.nth(i).locator('.execution-count-label').innerText().catch(() => '')).trim());
    }
    return out;
  }

  /** Text of each code cell's status bar (success/failure and duration). */
  async cellStatus(index: number): Promise<string> {
    return (await this.notebook.locator('.code-cell-row').nth(index).locator('.cell-statusbar-container').innerText().catch(() => '')).trim();
  }

  /** The cell runs now (its status shows the spinning executing icon). */
  async cellRunning(index: number): Promise<boolean> {
    return (await this.notebook.locator('.code-cell-row').nth(index).locator('.codicon-notebook-state-executing').count()) > 0;
  }

  /** Opens the menu of a cell's run button (the chevron beside it) and picks an entry (Debug Cell, Run by Line). */
  async cellRunMenu(index: number | 'last', entry: string): Promise<void> {
    await this.revealCell(index);
    await this.cellRow(index).hover({ position: { x: 60, y: 12 } });
    await this.cellRow(index).locator('.run-button-container .codicon-chevron-down').first().click();
    // The menu is drawn in a shadow root (Playwright's CSS locators look inside). A click that comes as the
    // menu is still being laid out can go unheard (the menu stays open with the entry highlighted): as a
    // person does then, click it again, for as long as the menu is open.
    const item = this.page.locator('.monaco-menu .action-item', { hasText: entry }).first();
    await item.waitFor({ state: 'visible', timeout: 5000 });
    await until(`the cell's run menu to close on ${entry}`, async () => {
      if (!(await item.isVisible())) return true;
      await item.click({ timeout: 2000 }).catch(() => undefined);
      await sleep(500);
      return !(await item.isVisible());
    }, 10000, 0);
  }

  /** A button of a cell's own toolbar (shown over the cell's top right while the pointer is on the cell). */
  cellToolbarButton(index: number | 'last', label: string): Locator {
    return this.cellRow(index).locator('.cell-title-toolbar').getByRole('button', { name: label }).first();
  }

  /**
   * The texts of an editor's lines (a cell's or a file's) that carry a mark: a glyph in the gutter
   * (`.codicon-debug-breakpoint`, `.codicon-debug-stackframe`) or a whole-line decoration
   * (`.debug-top-stack-frame-line`). Marks and lines are matched by their height in the editor.
   */
  async markedLines(editor: Locator, mark: string): Promise<string[]> {
    return editor.first().evaluate((root: PageNode, selector: string) => {
      // No named helpers in here: this runs in the page, without the test compiler's helpers.
      const lines = new Map<string, string>();
      for (const line of root.querySelectorAll('.view-lines .view-line')) lines.set(line.style?.top ?? '', (line.textContent ?? '').replace(/\u00a0/g, ' '));
      const texts: string[] = [];
      for (const mark of root.querySelectorAll(selector)) {
        let top = '';
        for (let at: PageNode | null = mark; at && at !== root && !top; at = at.parentElement) top = at.style?.top ?? '';
        texts.push(lines.get(top) ?? '?');
      }
      return texts;
    }, mark);
  }

  /** The line the debugger stopped at in an editor, as highlighted there ('' when none). */
  async currentLine(editor: Locator): Promise<string> {
    return (await this.markedLines(editor, '.debug-top-stack-frame-line, .debug-focused-stack-frame-line'))[0] ?? '';
  }

  /** The lines of an editor with a breakpoint in the gutter. */
  async breakpointLines(editor: Locator): Promise<string[]> {
    return this.markedLines(editor, '.glyph-margin-widgets .codicon-debug-breakpoint, .glyph-margin-widgets .codicon-debug-breakpoint-unverified');
  }

  /** Clicks an editor's gutter beside the line that starts with `text` (leading spaces aside): sets or removes a breakpoint there. */
  async clickGutter(editor: Locator, text: string): Promise<void> {
    const index = await editor.first().evaluate((root: PageNode, want: string) => {
      const lines = [...root.querySelectorAll('.view-lines .view-line')];
      return lines.findIndex((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ').trim().startsWith(want));
    }, text);
    if (index < 0) throw new Error(`no line starting with ${JSON.stringify(text)} in the editor`);
    const line = await editor.first().locator('.view-lines .view-line').nth(index).boundingBox();
    const gutter = await editor.first().locator('.glyph-margin').first().boundingBox();
    if (!line || !gutter) throw new Error('the editor is not on screen');
    const x = gutter.x + gutter.width / 2;
    const y = line.y + line.height / 2;
    // As a hand does: onto the gutter (VS Code shows the faint breakpoint there), then the click.
    await this.page.mouse.move(x, y);
    await sleep(150);
    await this.page.mouse.click(x, y);
  }

  /** Where the word `word` is on the editor's line that starts with `text` (leading spaces aside): the middle of its first letter, to point at. */
  async wordOnLine(editor: Locator, text: string, word: string): Promise<{ x: number; y: number }> {
    const found = await editor.first().evaluate((root: PageNode, want: string) => {
      const lines = [...root.querySelectorAll('.view-lines .view-line')].map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' '));
      const index = lines.findIndex((l) => l.trim().startsWith(want));
      return { index, line: lines[index] ?? '' };
    }, text);
    const at = new RegExp(`\\b${word}\\b`).exec(found.line)?.index;
    // The line's text is one run of a monospaced font: its box divides evenly among its characters.
    const box = found.index < 0 ? null : await editor.first().locator('.view-lines .view-line').nth(found.index).locator('> span').first().boundingBox();
    if (at === undefined || !box) throw new Error(`no ${word} on a line starting with ${JSON.stringify(text)} in the editor`);
    const width = box.width / found.line.length;
    return { x: box.x + (at + 0.5) * width, y: box.y + box.height / 2 };
  }

  /**
   * Hovers a word while the debugger is stopped and returns what the debug hover shows for it. VS Code
   * waits a moment before it asks; the pointer is moved off and back until the hover shows.
   */
  async debugHover(target: { x: number; y: number }, timeoutMs = 15000): Promise<string> {
    const hover = this.page.locator('.debug-hover-widget:visible').first();
    await until('the debug hover', async () => {
      await this.page.mouse.move(0, 0);
      await this.page.mouse.move(target.x, target.y, { steps: 5 });
      return hover.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false);
    }, timeoutMs, 200);
    const text = (await hover.innerText()).replace(/\s+/g, ' ').trim();
    await this.page.mouse.move(0, 0);
    return text;
  }

  /** The rows of the Run and Debug view's Variables section shown now ("i = 0", "Locals", …). */
  async debugVariables(): Promise<string[]> {
    return (await this.page.locator('.debug-variables .monaco-list-row').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
  }

  /** Jupyter Remote's Variables view (in the panel): its tree. */
  get variablesView(): Locator {
    return this.page.locator('.part.panel .pane').filter({ has: this.page.locator('.pane-header', { hasText: /Variables/i }) }).first();
  }

  /** The Variables view's rows shown now: each row's name and its line under it ("scores", "dict · 2 · {'ann': 3…}"). */
  async remoteVariables(): Promise<{ name: string; description: string }[]> {
    return this.variablesView.locator('.monaco-list-row').evaluateAll((rows) =>
      rows.map((row) => {
        const name = (row.querySelector('.label-name')?.textContent ?? '').trim();
        const text = (row.textContent ?? '').replace(/\s+/g, ' ').trim();
        return { name, description: text.startsWith(name) ? text.slice(name.length).trim() : text };
      }),
    );
  }

  /** The line at the top of the Variables view (the kernel's resources, or why the list is as it is). */
  async remoteVariablesMessage(): Promise<string> {
    return (await this.variablesView.locator('.message').first().innerText({ timeout: 1000 }).catch(() => '')).trim();
  }

  /** The Data Viewer's grid: the webview frame (two iframes deep) that has one, once it is there. */
  async dataGrid(timeoutMs = 20000): Promise<Frame> {
    return until('the Data Viewer grid', async () => {
      for (const frame of this.page.frames()) {
        if ((await frame.locator('.jr-grid').count().catch(() => 0)) > 0) return frame;
      }
      return undefined;
    }, timeoutMs, 100);
  }

  /** The grid's rows drawn now with data, in position order: [position, index label, ...cells]. */
  async gridRows(grid: Frame): Promise<string[][]> {
    const rows = await grid.locator('.jr-grid-row:not(.jr-grid-loading)').evaluateAll((els) =>
      els.map((row) => [row.getAttribute('data-row') ?? '', ...[...row.querySelectorAll('.jr-grid-cell')].map((c) => (c.textContent ?? '').trim())]),
    );
    return rows.sort((a, b) => Number(a[0]) - Number(b[0]));
  }

  /** The floating debug toolbar (Continue, Step Over, …), shown while a debug session runs. */
  get debugToolbar(): Locator {
    return this.page.locator('.debug-toolbar').first();
  }

  /** The name on the tab in front. */
  async activeTab(): Promise<string> {
    return ((await this.page.locator('.tab.active').first().innerText({ timeout: 1000 }).catch(() => '')).split('\n')[0] ?? '').trim();
  }

  async screenshot(file: string): Promise<void> {
    await this.page.screenshot({ path: file });
  }
}
