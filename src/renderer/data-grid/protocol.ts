// Messages between the Data Viewer's grid (its webview, dist/data-grid.js) and the extension host
// (src/vscode/variables/data-viewer.ts). Plain JSON both ways. The grid asks for pages; the host forwards
// each to the kernel and passes the answer back, keeping no rows: a table of any size costs the host
// only the pages in flight.
import type { TablePage, TableQuery } from '../../core/variables/types';

/** The most rows one request may ask for: the host refuses more, so no message can pull a whole table. */
export const MAX_PAGE_ROWS = 500;

/** Grid → extension. */
export type FromGrid =
  /**
   * Rows `start` to `start + count` of the table after `query`. The answer comes as `page` or `error`
   * with the same `requestId`. A request with another query than the one before cancels every request
   * still in flight: their answers would be for a table the grid no longer shows.
   */
  | { type: 'page'; requestId: number; query: TableQuery; start: number; count: number }
  /** The grid no longer needs these answers (scrolled away): the host stops waiting for them. */
  | { type: 'cancel'; requestIds: number[] };

/** Extension → grid. */
export type ToGrid =
  | { type: 'page'; requestId: number; page: TablePage }
  /** The request failed; `message` is one sentence for the person. */
  | { type: 'error'; requestId: number; message: string }
  /** The variable may have changed (a cell ended): every page the grid holds is out of date. */
  | { type: 'refresh' }
  /** The variable is no longer there: the grid says `message` and asks for nothing more. */
  | { type: 'gone'; message: string };
