// The Data Viewer grid's logic, apart from the DOM: where a scroll position is in the table, which pages
// it needs, the few pages kept, and which answers are still wanted. The table lives in the kernel; the
// grid holds a dozen pages at most, whatever the table's size.
import type { TableColumn, TablePage, TableQuery } from '../../core/variables/types';

/** Rows per request: a screenful or two, so a jump costs one round trip. */
export const PAGE_SIZE = 100;
/** Pages kept: the ones in view and a few around, for scrolling back. */
export const CACHE_PAGES = 12;
/**
 * The tallest scrolled content we make. Browsers stop scrolling (or drawing) well before 1,000,000 rows
 * × 24 px: Chromium caps an element near 33.5M px, Firefox near 17.9M. Past this the scroll bar maps
 * to rows proportionally instead of one pixel per pixel.
 */
export const MAX_SCROLL_PX = 10_000_000;

/** What the scroll mapping depends on. */
export interface Layout {
  total: number;
  rowHeight: number;
  /** The height rows are shown in (below the header). */
  viewportHeight: number;
}

/** The height of the scrolled content: the rows' own, or the cap. */
export function contentHeight({ total, rowHeight }: Layout, maxPx = MAX_SCROLL_PX): number {
  return Math.min(total * rowHeight, maxPx);
}

/** The last row position the top of the viewport can show (the last row then touches its bottom). */
export function maxTopRow({ total, rowHeight, viewportHeight }: Layout): number {
  return Math.max(0, total - viewportHeight / rowHeight);
}

/** The (fractional) row at the viewport's top for a scroll position. */
export function topRowAt(layout: Layout, scrollTop: number, maxPx = MAX_SCROLL_PX): number {
  const maxTop = maxTopRow(layout);
  const maxScroll = contentHeight(layout, maxPx) - layout.viewportHeight;
  if (maxScroll <= 0) return 0;
  const row = layout.total * layout.rowHeight <= maxPx ? scrollTop / layout.rowHeight : (scrollTop / maxScroll) * maxTop;
  return Math.min(Math.max(row, 0), maxTop);
}

/** The scroll position that shows `topRow` at the viewport's top: the inverse of `topRowAt`. */
export function scrollTopFor(layout: Layout, topRow: number, maxPx = MAX_SCROLL_PX): number {
  const maxTop = maxTopRow(layout);
  const maxScroll = contentHeight(layout, maxPx) - layout.viewportHeight;
  if (maxScroll <= 0 || maxTop <= 0) return 0;
  const row = Math.min(Math.max(topRow, 0), maxTop);
  return layout.total * layout.rowHeight <= maxPx ? row * layout.rowHeight : (row / maxTop) * maxScroll;
}

/** The rows to put in the DOM: those in view and `overscan` more on each side, as [first, end). */
export function rowsInView(layout: Layout, topRow: number, overscan: number): { first: number; end: number } {
  const first = Math.max(0, Math.floor(topRow) - overscan);
  const end = Math.min(layout.total, Math.ceil(topRow + layout.viewportHeight / layout.rowHeight) + overscan);
  return { first, end: Math.max(first, end) };
}

/** The pages holding rows [first, end). */
export function pagesFor(first: number, end: number, pageSize = PAGE_SIZE): number[] {
  const pages: number[] = [];
  if (end <= first) return pages;
  for (let p = Math.floor(first / pageSize); p * pageSize < end; p++) pages.push(p);
  return pages;
}

/** A page kept, and whether it was fetched since the table last changed. */
interface CachedPage {
  page: TablePage;
  fresh: boolean;
}

/** At most `capacity` pages by index; the one least recently used goes first. */
export class PageCache {
  private readonly pages = new Map<number, CachedPage>();

  constructor(private readonly capacity = CACHE_PAGES) {}

  get size(): number {
    return this.pages.size;
  }

  get(index: number): CachedPage | undefined {
    const entry = this.pages.get(index);
    if (entry) {
      this.pages.delete(index); // Map keeps insertion order: re-inserting makes it the most recent
      this.pages.set(index, entry);
    }
    return entry;
  }

  put(index: number, page: TablePage): void {
    this.pages.delete(index);
    this.pages.set(index, { page, fresh: true });
    for (const oldest of this.pages.keys()) {
      if (this.pages.size <= this.capacity) break;
      this.pages.delete(oldest);
    }
  }

  /** Every page is kept for showing until its fresh copy comes, but is fetched again. */
  markStale(): void {
    for (const entry of this.pages.values()) entry.fresh = false;
  }

  clear(): void {
    this.pages.clear();
  }
}

export interface PageRequest {
  requestId: number;
  start: number;
  count: number;
}

/** A row as the grid shows it. */
export interface GridRow {
  label: string | number;
  cells: TablePage['rows'][number];
  /** The page it came from: a row drawn from another page object needs drawing again. */
  page: TablePage;
}

/**
 * The table as far as the grid knows it: the query, the pages kept, the requests in flight. An answer
 * counts only while its request is in flight: a new query, a refresh or scrolling away forgets the
 * request, so its late answer is dropped.
 */
export class GridModel {
  private queryNow: TableQuery = {};
  private readonly cache: PageCache;
  /** Request id → page index. */
  private readonly inFlight = new Map<number, number>();
  /** Pages whose request failed: not asked again until they leave the view (or the query or table changes). */
  private readonly failed = new Set<number>();
  private nextRequestId = 1;
  /** Rows after the filter; undefined until the first page. */
  total: number | undefined;
  /** Rows before the filter. */
  rowCount = 0;
  columns: TableColumn[] = [];
  /** The last failure's sentence, until a page comes. */
  error: string | undefined;

  constructor(
    readonly pageSize = PAGE_SIZE,
    capacity = CACHE_PAGES,
  ) {
    this.cache = new PageCache(capacity);
  }

  get query(): TableQuery {
    return this.queryNow;
  }

  get loading(): boolean {
    return this.inFlight.size > 0;
  }

  /** A new sort or filter: nothing kept holds, nothing in flight is wanted. Returns the requests to cancel. */
  setQuery(query: TableQuery): number[] {
    this.queryNow = query;
    this.cache.clear();
    return this.forgetAll();
  }

  /** The table changed: pages stay on screen until their fresh copies come. Returns the requests to cancel. */
  refresh(): number[] {
    this.cache.markStale();
    return this.forgetAll();
  }

  /** What to ask for to show rows [first, end), and which requests are no longer wanted. */
  plan(first: number, end: number): { requests: PageRequest[]; cancel: number[] } {
    const needed = new Set(this.total === undefined ? [Math.floor(first / this.pageSize)] : pagesFor(first, end, this.pageSize));
    for (const index of this.failed) if (!needed.has(index)) this.failed.delete(index);
    const cancel: number[] = [];
    for (const [requestId, index] of this.inFlight) {
      if (!needed.has(index)) {
        this.inFlight.delete(requestId);
        cancel.push(requestId);
      }
    }
    const asked = new Set(this.inFlight.values());
    const requests: PageRequest[] = [];
    for (const index of needed) {
      if (asked.has(index) || this.failed.has(index) || this.cache.get(index)?.fresh) continue;
      const requestId = this.nextRequestId++;
      this.inFlight.set(requestId, index);
      requests.push({ requestId, start: index * this.pageSize, count: this.pageSize });
    }
    return { requests, cancel };
  }

  /** Keeps an answer if its request is still wanted; says whether it was. */
  accept(requestId: number, page: TablePage): boolean {
    const index = this.inFlight.get(requestId);
    if (index === undefined) return false;
    this.inFlight.delete(requestId);
    this.cache.put(index, page);
    this.total = page.total;
    this.rowCount = page.rowCount;
    this.columns = page.columns;
    this.error = undefined;
    return true;
  }

  /** Notes a failure if its request is still wanted; says whether it was. */
  fail(requestId: number, message: string): boolean {
    const index = this.inFlight.get(requestId);
    if (index === undefined) return false;
    this.inFlight.delete(requestId);
    this.failed.add(index);
    this.error = message;
    return true;
  }

  /** The row at a position of the filtered, sorted table, if its page is kept. */
  rowAt(position: number): GridRow | undefined {
    const page = this.cache.get(Math.floor(position / this.pageSize))?.page;
    const offset = page ? position - page.start : -1;
    if (!page || offset < 0 || offset >= page.rows.length) return undefined;
    return { label: page.index[offset], cells: page.rows[offset], page };
  }

  private forgetAll(): number[] {
    const cancelled = [...this.inFlight.keys()];
    this.inFlight.clear();
    this.failed.clear();
    this.error = undefined;
    return cancelled;
  }
}
