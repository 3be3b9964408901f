// The Data Viewer's grid, in its webview (dist/data-grid.js): a header with each column's name and dtype
// (click to sort), the rows in view and a few around (the only ones in the DOM), a filter bar and a
// status line. Rows come a page at a time from the kernel through the extension host (protocol.ts);
// sorting and filtering run in the kernel. The webview is rebuilt when its tab is shown again: the query
// and the scroll position are kept in the webview's state.
import type { FilterOp, TableColumn, TableQuery } from '../../core/variables/types';
import { GridModel, contentHeight, maxTopRow, rowsInView, scrollTopFor, topRowAt, type GridRow, type Layout } from './grid-model';
import type { FromGrid, ToGrid } from './protocol';

interface SavedState {
  query: TableQuery;
  topRow: number;
}
declare function acquireVsCodeApi(): { postMessage(message: FromGrid): void; getState(): SavedState | undefined; setState(state: SavedState): void };

const ROW_HEIGHT = 24; // px; the stylesheet's row height
/** Rows drawn beyond the viewport, so a small scroll shows rows at once. */
const OVERSCAN = 10;
/** Rows fetched beyond those drawn, so scrolling on rarely waits at a page's edge. */
const PREFETCH = 25;
/** At most one round of requests per this, however fast the scroll bar is dragged. */
const FETCH_EVERY_MS = 100;
/** A column's width in characters, whatever its values' length (wider text is cut, its title shows it). */
const MIN_CH = 6;
const MAX_CH = 40;
const FILTER_OPS: FilterOp[] = ['contains', '==', '!=', '<', '<=', '>', '>='];
/** VS Code's theme colours; the index column and the header stay in view (sticky) as the grid scrolls. */
const STYLE = `
html, body { height: 100%; margin: 0; padding: 0; overflow: hidden; }
body { display: flex; flex-direction: column; background: var(--vscode-editor-background); color: var(--vscode-editor-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
.jr-filter { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; padding: 6px 8px; }
.jr-filter select, .jr-filter input { font: inherit; padding: 2px 4px; background: var(--vscode-input-background); color: var(--vscode-input-foreground); border: 1px solid var(--vscode-input-border, transparent); }
.jr-filter button { font: inherit; padding: 2px 10px; border: none; cursor: pointer; background: var(--vscode-button-background); color: var(--vscode-button-foreground); }
.jr-filter button:hover { background: var(--vscode-button-hoverBackground); }
.jr-filter button.jr-secondary { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); }
.jr-grid { flex: 1; overflow: auto; outline: none; font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
.jr-grid:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
.jr-grid-header, .jr-grid-row { display: grid; grid-template-columns: var(--jr-columns); width: var(--jr-width); }
.jr-grid-header { position: sticky; top: 0; z-index: 2; background: var(--vscode-editor-background); border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border)); }
.jr-grid-header-cell { padding: 3px 6px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; font-weight: 600; cursor: pointer; user-select: none; }
.jr-grid-header-cell:hover { background: var(--vscode-list-hoverBackground); }
.jr-grid-dtype { display: block; font-weight: normal; font-size: 0.9em; color: var(--vscode-descriptionForeground); }
.jr-grid-body { position: relative; overflow: clip; width: var(--jr-width); }
.jr-grid-row { position: absolute; top: 0; left: 0; height: ${ROW_HEIGHT}px; box-sizing: border-box; border-bottom: 1px solid var(--vscode-editorGroup-border, transparent); }
.jr-grid-row:hover, .jr-grid-row:hover .jr-grid-index { background: var(--vscode-list-hoverBackground); }
.jr-grid-cell { padding: 0 6px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; line-height: ${ROW_HEIGHT - 1}px; }
.jr-grid-index { position: sticky; left: 0; z-index: 1; background: var(--vscode-editor-background); color: var(--vscode-editorLineNumber-foreground); cursor: default; }
.jr-grid-num { text-align: right; }
.jr-grid-na { opacity: 0.5; font-style: italic; }
.jr-grid-loading { opacity: 0.5; }
.jr-grid-status { padding: 3px 8px; border-top: 1px solid var(--vscode-panel-border, transparent); color: var(--vscode-descriptionForeground); }
.jr-grid-status.jr-grid-error { color: var(--vscode-errorForeground); }
`;

const vscode = acquireVsCodeApi();
const saved = vscode.getState();
const model = new GridModel();
model.setQuery(saved?.query ?? {});
let topRow = saved?.topRow ?? 0;
/** The scroll position we last set or saw: a different one is the person's own scrolling. */
let knownScrollTop = 0;
let columnsKey = '';
/** Each column's width in characters, the index's first: they only grow as wider values come, never jump back. */
let widths: number[] = [];
let fetchTimer: ReturnType<typeof setTimeout> | undefined;
let gone = false;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}
const labelled = <T extends HTMLElement>(node: T, label: string): T => (node.setAttribute('aria-label', label), node);

const filterBar = el('form', 'jr-filter');
const columnSelect = labelled(el('select'), 'Filter column');
const opSelect = labelled(el('select'), 'Filter operator');
opSelect.append(...FILTER_OPS.map((op) => Object.assign(el('option', '', op), { value: op })));
const valueInput = labelled(Object.assign(el('input'), { type: 'text', placeholder: 'value' }), 'Filter value');
const clearButton = labelled(Object.assign(el('button', 'jr-secondary', 'Clear'), { type: 'button' }), 'Clear filter');
filterBar.append(el('span', '', 'Filter'), columnSelect, opSelect, valueInput, labelled(Object.assign(el('button', '', 'Apply'), { type: 'submit' }), 'Apply filter'), clearButton);
const grid = labelled(Object.assign(el('div', 'jr-grid'), { tabIndex: 0 }), 'Data');
grid.setAttribute('role', 'grid');
const header = el('div', 'jr-grid-header');
header.setAttribute('role', 'row');
const body = el('div', 'jr-grid-body');
grid.append(header, body);
const status = el('div', 'jr-grid-status');
status.setAttribute('role', 'status');
document.head.append(el('style', '', STYLE));
document.body.append(filterBar, grid, status);

/** Rows in the DOM by position, and the page each was drawn from. */
const shownRows = new Map<number, HTMLElement>();
const drawnFrom = new WeakMap<HTMLElement, GridRow['page'] | null>();

const post = (message: FromGrid) => vscode.postMessage(message);
const format = (n: number) => n.toLocaleString('en-US');
const layout = (): Layout => ({ total: model.total ?? 0, rowHeight: ROW_HEIGHT, viewportHeight: Math.max(ROW_HEIGHT, grid.clientHeight - header.offsetHeight) });
const cellText = (v: GridRow['cells'][number]) => (v === null ? 'NA' : typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v));

function fitColumns(page: GridRow['page']): void {
  const width = (texts: string[]) => Math.min(MAX_CH, Math.max(MIN_CH, ...texts.map((t) => t.length + 2)));
  const needed = [
    width([String(model.total ?? 0), ...page.index.map(String)]),
    ...model.columns.map((c, i) => width([c.name, `${c.dtype} ▼`, ...page.rows.map((r) => cellText(r[i] ?? null))])),
  ];
  if (needed.every((ch, i) => ch <= (widths[i] ?? 0))) return;
  widths = needed.map((ch, i) => Math.max(ch, widths[i] ?? 0));
  grid.style.setProperty('--jr-columns', widths.map((ch) => `calc(${ch}ch + 12px)`).join(' '));
  grid.style.setProperty('--jr-width', `calc(${widths.reduce((a, b) => a + b, 0)}ch + ${widths.length * 12}px)`);
}

/** A new set of columns: the header, the filter's column list, and rows drawn afresh. */
function buildHeader(columns: TableColumn[]): void {
  widths = [];
  const cells = columns.map((c, i) => {
    const cell = el('div', `jr-grid-header-cell${c.numeric ? ' jr-grid-num' : ''}`);
    cell.dataset.column = String(i);
    cell.setAttribute('role', 'columnheader');
    cell.title = `${c.name} (${c.dtype}): click to sort`;
    cell.append(el('span', 'jr-grid-name', c.name), el('span', 'jr-grid-arrow'), el('span', 'jr-grid-dtype', c.dtype));
    cell.addEventListener('click', () => cycleSort(i));
    return cell;
  });
  header.replaceChildren(el('div', 'jr-grid-header-cell jr-grid-index'), ...cells);
  columnSelect.replaceChildren(...columns.map((c, i) => Object.assign(el('option', '', c.name), { value: String(i) })));
  const filter = model.query.filter;
  if (filter) [columnSelect.value, opSelect.value, valueInput.value] = [String(filter.column), filter.op, filter.value];
  for (const row of shownRows.values()) row.remove();
  shownRows.clear();
}

function drawRow(row: HTMLElement, data: GridRow | undefined): void {
  const index = el('div', 'jr-grid-cell jr-grid-index', data ? String(data.label) : '');
  index.setAttribute('role', 'rowheader');
  const cells = model.columns.map((column, i) => {
    const value = data ? (data.cells[i] ?? null) : undefined;
    const text = value === undefined ? '' : cellText(value);
    const cell = el('div', `jr-grid-cell${column.numeric ? ' jr-grid-num' : ''}${value === null ? ' jr-grid-na' : ''}`, text);
    cell.setAttribute('role', 'gridcell');
    if (text.length + 2 > widths[i + 1]) cell.title = text; // cut: hovering shows it whole
    return cell;
  });
  row.classList.toggle('jr-grid-loading', !data);
  row.replaceChildren(index, ...cells);
  drawnFrom.set(row, data?.page ?? null);
}

/** Draws what the model holds for the current position: the header's arrows, the rows, the status. */
function render(): void {
  if (gone) return;
  const lay = layout();
  if (model.total !== undefined) {
    body.style.height = `${contentHeight(lay)}px`;
    topRow = Math.min(topRow, maxTopRow(lay));
    const wanted = scrollTopFor(lay, topRow);
    if (Math.abs(grid.scrollTop - wanted) > 1) grid.scrollTop = wanted;
    knownScrollTop = grid.scrollTop;
  }
  const { first, end } = rowsInView(lay, topRow, OVERSCAN);
  for (const [position, row] of shownRows) {
    if (position < first || position >= end) {
      row.remove();
      shownRows.delete(position);
    }
  }
  for (let position = first; position < end; position++) {
    let row = shownRows.get(position);
    if (!row) {
      row = el('div', 'jr-grid-row');
      row.dataset.row = String(position);
      row.setAttribute('role', 'row');
      row.setAttribute('aria-rowindex', String(position + 2));
      shownRows.set(position, row);
      body.append(row);
    }
    const data = model.rowAt(position);
    if (drawnFrom.get(row) !== (data?.page ?? null)) drawRow(row, data);
    row.style.transform = `translateY(${knownScrollTop + (position - topRow) * ROW_HEIGHT}px)`;
  }
  grid.setAttribute('aria-rowcount', String((model.total ?? 0) + 1));
  const sort = model.query.sort;
  for (const cell of header.querySelectorAll<HTMLElement>('[data-column]')) {
    const sorted = sort?.column === Number(cell.dataset.column) ? sort : undefined;
    cell.setAttribute('aria-sort', sorted ? (sorted.ascending ? 'ascending' : 'descending') : 'none');
    cell.querySelector('.jr-grid-arrow')!.textContent = sorted ? (sorted.ascending ? ' ▲' : ' ▼') : '';
  }
  renderStatus(lay);
}

function renderStatus(lay: Layout): void {
  status.classList.toggle('jr-grid-error', model.error !== undefined);
  if (model.error !== undefined) return void (status.textContent = model.error);
  if (model.total === undefined) return void (status.textContent = 'Loading…');
  const filtered = model.query.filter ? ` (filtered from ${format(model.rowCount)})` : '';
  const last = Math.min(model.total, Math.floor(topRow + lay.viewportHeight / ROW_HEIGHT));
  const rows = model.total === 0 ? (model.query.filter ? 'No rows match the filter' : 'No rows') : `rows ${format(Math.floor(topRow) + 1)}–${format(last)} of ${format(model.total)}`;
  status.textContent = `${rows}${filtered}${model.loading ? ' — loading…' : ''}`;
}

/** Asks for the pages the position needs and cancels those it no longer does. */
function fetchNow(): void {
  clearTimeout(fetchTimer);
  fetchTimer = undefined;
  if (gone) return;
  const { first, end } = model.total === undefined ? { first: Math.floor(topRow), end: Math.floor(topRow) + 1 } : rowsInView(layout(), topRow, OVERSCAN + PREFETCH);
  const { requests, cancel } = model.plan(first, end);
  if (cancel.length) post({ type: 'cancel', requestIds: cancel });
  for (const { requestId, start, count } of requests) post({ type: 'page', requestId, query: model.query, start, count });
  vscode.setState({ query: model.query, topRow });
  renderStatus(layout());
}
const fetchSoon = () => (fetchTimer ??= setTimeout(fetchNow, FETCH_EVERY_MS));

function scrollToRow(row: number): void {
  if (model.total === undefined) return;
  topRow = Math.min(Math.max(0, row), maxTopRow(layout()));
  render();
  fetchSoon();
}

function setQuery(query: TableQuery): void {
  const cancel = model.setQuery(query);
  if (cancel.length) post({ type: 'cancel', requestIds: cancel });
  topRow = 0;
  render();
  fetchNow();
}

function cycleSort(column: number): void {
  const sort = model.query.sort;
  const next = sort?.column !== column ? { column, ascending: true } : sort.ascending ? { column, ascending: false } : undefined;
  setQuery({ ...model.query, sort: next });
}

function onMessage({ data: message }: MessageEvent<ToGrid>): void {
  if (gone) return;
  switch (message.type) {
    case 'page': {
      if (!model.accept(message.requestId, message.page)) return;
      const key = JSON.stringify(model.columns);
      if (key !== columnsKey) buildHeader(model.columns);
      columnsKey = key;
      fitColumns(message.page);
      render();
      fetchNow(); // the first page tells the table's length: the rows in view may need more
      return;
    }
    case 'error':
      if (model.fail(message.requestId, message.message)) render();
      return;
    case 'refresh': {
      const cancel = model.refresh();
      if (cancel.length) post({ type: 'cancel', requestIds: cancel });
      fetchNow();
      return;
    }
    case 'gone': {
      gone = true;
      const cancel = model.setQuery({});
      if (cancel.length) post({ type: 'cancel', requestIds: cancel });
      filterBar.remove();
      grid.remove();
      status.classList.add('jr-grid-error');
      status.textContent = message.message;
    }
  }
}

window.addEventListener('message', onMessage);
grid.addEventListener('scroll', () => {
  if (Math.abs(grid.scrollTop - knownScrollTop) <= 1 || model.total === undefined) return;
  topRow = topRowAt(layout(), grid.scrollTop);
  render();
  fetchSoon();
});
// Past MAX_SCROLL_PX a pixel of the scroll bar is several rows: the wheel moves by rows itself, as it would unscaled.
grid.addEventListener('wheel', (e) => {
  const lay = layout();
  if (lay.total * ROW_HEIGHT <= contentHeight(lay) || e.deltaY === 0 || e.ctrlKey) return;
  e.preventDefault();
  grid.scrollLeft += e.deltaX;
  const pageRows = lay.viewportHeight / ROW_HEIGHT;
  scrollToRow(topRow + (e.deltaMode === WheelEvent.DOM_DELTA_LINE ? e.deltaY : e.deltaMode === WheelEvent.DOM_DELTA_PAGE ? e.deltaY * pageRows : e.deltaY / ROW_HEIGHT));
}, { passive: false });
grid.addEventListener('keydown', (e) => {
  const pageRows = Math.max(1, Math.floor(layout().viewportHeight / ROW_HEIGHT) - 1);
  const moves: Record<string, number> = { ArrowDown: topRow + 1, ArrowUp: topRow - 1, PageDown: topRow + pageRows, PageUp: topRow - pageRows, Home: 0, End: Infinity };
  if (!(e.key in moves) || e.altKey) return;
  e.preventDefault();
  scrollToRow(e.key === 'ArrowDown' || e.key === 'ArrowUp' ? Math.round(moves[e.key]) : moves[e.key]);
});
filterBar.addEventListener('submit', (e) => {
  e.preventDefault();
  const value = valueInput.value.trim();
  const { sort } = model.query;
  setQuery(value ? { sort, filter: { column: Number(columnSelect.value), op: opSelect.value as FilterOp, value } } : { sort });
});
clearButton.addEventListener('click', () => {
  valueInput.value = '';
  setQuery({ sort: model.query.sort });
});
columnSelect.addEventListener('change', () => {
  const numeric = model.columns[Number(columnSelect.value)]?.numeric;
  if (numeric && opSelect.value === 'contains') opSelect.value = '==';
  if (!numeric && opSelect.value !== '==' && opSelect.value !== '!=') opSelect.value = 'contains';
});
new ResizeObserver(() => {
  render();
  fetchSoon();
}).observe(grid);
grid.focus(); // the keys scroll the grid as soon as the tab opens
fetchNow();
