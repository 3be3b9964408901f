// The Data Viewer grid's logic (issue 26): the pages a scroll position needs, the few pages kept, late
// answers dropped, and the scroll bar mapped to rows when a million rows are taller than a browser scrolls.
import assert from 'node:assert/strict';
import type { TablePage } from '../../src/core/variables/types';
import { GridModel, MAX_SCROLL_PX, PageCache, contentHeight, maxTopRow, pagesFor, rowsInView, scrollTopFor, topRowAt, type Layout } from '../../src/renderer/data-grid/grid-model';

/** A page of a one-column table of `total` rows whose values are their positions. */
function pageOf(start: number, count: number, total: number, rowCount = total): TablePage {
  const positions = Array.from({ length: Math.max(0, Math.min(count, total - start)) }, (_, i) => start + i);
  return { type: 'DataFrame', columns: [{ name: 'x', dtype: 'int64', numeric: true }], index: positions, rows: positions.map((p) => [p]), start, total, rowCount };
}

describe('data grid model', () => {
  describe('page math', () => {
    it('names the pages that hold a range of rows', () => {
      assert.deepEqual(pagesFor(0, 50, 100), [0]);
      assert.deepEqual(pagesFor(90, 110, 100), [0, 1]);
      assert.deepEqual(pagesFor(100, 200, 100), [1]);
      assert.deepEqual(pagesFor(899_990, 900_050, 100), [8999, 9000]);
      assert.deepEqual(pagesFor(10, 10, 100), []);
    });

    it('draws the rows in view and the overscan, never past the table', () => {
      const layout: Layout = { total: 1000, rowHeight: 20, viewportHeight: 200 };
      assert.deepEqual(rowsInView(layout, 0, 5), { first: 0, end: 15 });
      assert.deepEqual(rowsInView(layout, 100.5, 5), { first: 95, end: 116 });
      assert.deepEqual(rowsInView(layout, 990, 5), { first: 985, end: 1000 });
      assert.deepEqual(rowsInView({ ...layout, total: 0 }, 0, 5), { first: 0, end: 0 });
    });
  });

  describe('scroll mapping', () => {
    it('is one pixel per pixel while the rows fit', () => {
      const layout: Layout = { total: 1000, rowHeight: 24, viewportHeight: 480 };
      assert.equal(contentHeight(layout), 24_000);
      assert.equal(topRowAt(layout, 2400), 100);
      assert.equal(scrollTopFor(layout, 100), 2400);
      assert.equal(topRowAt(layout, 24_000 - 480), 980, 'the last scroll position shows the last rows');
      assert.equal(topRowAt({ ...layout, total: 10 }, 0), 0, 'a table shorter than the viewport does not scroll');
    });

    for (const total of [1_000_000, 50_000_000]) {
      it(`maps the scroll bar to rows proportionally at ${total.toLocaleString('en-US')} rows`, () => {
        const layout: Layout = { total, rowHeight: 24, viewportHeight: 600 };
        const height = contentHeight(layout);
        assert.equal(height, MAX_SCROLL_PX, 'the content is capped where browsers still scroll');
        const maxScroll = height - layout.viewportHeight;
        assert.equal(topRowAt(layout, 0), 0);
        assert.equal(topRowAt(layout, maxScroll), total - 25, 'the last scroll position shows the last 25 rows');
        assert.deepEqual(rowsInView(layout, topRowAt(layout, maxScroll), 0), { first: total - 25, end: total });
        const middle = topRowAt(layout, maxScroll / 2);
        assert.ok(Math.abs(middle - (total - 25) / 2) < 1, `half way is the middle row: ${middle}`);
        const jump = scrollTopFor(layout, 900_000);
        assert.ok(jump <= maxScroll && Math.abs(topRowAt(layout, jump) - 900_000) < 1e-6, 'row 900,000 round-trips');
        assert.equal(scrollTopFor(layout, Infinity), maxScroll, 'past the end is the end');
        assert.equal(maxTopRow(layout), total - 25);
      });
    }
  });

  describe('page cache', () => {
    it('keeps at most its capacity, dropping the page least recently used', () => {
      const cache = new PageCache(3);
      for (const index of [0, 1, 2]) cache.put(index, pageOf(index * 10, 10, 1000));
      assert.ok(cache.get(0), 'reading page 0 makes it recent');
      cache.put(3, pageOf(30, 10, 1000));
      assert.equal(cache.size, 3);
      assert.equal(cache.get(1), undefined, 'page 1 was the least recently used');
      assert.ok(cache.get(0) && cache.get(2) && cache.get(3));
    });

    it('never holds more than the cap of pages in the model, however far the person scrolls', () => {
      const model = new GridModel(100, 12);
      for (let first = 0; first < 1_000_000; first += 7919) {
        const { requests } = model.plan(first, first + 50);
        for (const r of requests) model.accept(r.requestId, pageOf(r.start, r.count, 1_000_000));
      }
      const kept = Array.from({ length: 10_000 }, (_, p) => model.rowAt(p * 100)).filter(Boolean).length;
      assert.ok(kept <= 12, `pages kept: ${kept}`);
    });
  });

  describe('requests and answers', () => {
    it('asks for the first page alone until it knows the length, then for the pages in view it lacks', () => {
      const model = new GridModel(100, 12);
      const first = model.plan(0, 50);
      assert.deepEqual(first.requests.map((r) => [r.start, r.count]), [[0, 100]]);
      assert.deepEqual(model.plan(0, 50).requests, [], 'a page in flight is not asked twice');
      assert.ok(model.loading);
      assert.ok(model.accept(first.requests[0].requestId, pageOf(0, 100, 1_000_000)));
      assert.equal(model.total, 1_000_000);
      assert.deepEqual(model.rowAt(42)?.cells, [42]);
      assert.deepEqual(model.plan(0, 150).requests.map((r) => r.start), [100], 'page 0 is kept');
    });

    it('drops an answer whose request was cancelled by scrolling away', () => {
      const model = new GridModel(100, 12);
      const first = model.plan(0, 50).requests[0];
      model.accept(first.requestId, pageOf(0, 100, 1_000_000));
      const near = model.plan(500, 550).requests[0];
      const far = model.plan(900_000, 900_050);
      assert.deepEqual(far.cancel, [near.requestId], 'the page no longer in view is cancelled');
      assert.equal(model.accept(near.requestId, pageOf(500, 100, 1_000_000)), false);
      assert.equal(model.rowAt(500), undefined);
      assert.ok(model.accept(far.requests[0].requestId, pageOf(900_000, 100, 1_000_000)));
      assert.deepEqual(model.rowAt(900_049)?.cells, [900_049]);
    });

    it('a new query forgets every page and drops answers to the old one', () => {
      const model = new GridModel(100, 12);
      const old = model.plan(0, 50).requests[0];
      const cancelled = model.setQuery({ filter: { column: 0, op: '>', value: '10' } });
      assert.deepEqual(cancelled, [old.requestId]);
      assert.equal(model.accept(old.requestId, pageOf(0, 100, 1_000_000)), false, 'the unfiltered answer comes too late');
      const fresh = model.plan(0, 50).requests[0];
      assert.notEqual(fresh.requestId, old.requestId, 'request ids are never reused');
      assert.ok(model.accept(fresh.requestId, pageOf(0, 100, 989, 1_000_000)));
      assert.equal(model.total, 989);
      assert.equal(model.rowCount, 1_000_000);
      model.setQuery({ sort: { column: 0, ascending: false } });
      assert.equal(model.rowAt(0), undefined, 'nothing of the filtered table is kept');
    });

    it('a refresh keeps the pages on screen until their fresh copies come, and drops answers from before it', () => {
      const model = new GridModel(100, 12);
      const first = model.plan(0, 50).requests[0];
      model.accept(first.requestId, pageOf(0, 100, 1000));
      const inFlight = model.plan(0, 150).requests[0];
      assert.deepEqual(model.refresh(), [inFlight.requestId]);
      assert.deepEqual(model.rowAt(0)?.cells, [0], 'the old rows still show');
      const again = model.plan(0, 150).requests;
      assert.deepEqual(again.map((r) => r.start), [0, 100], 'both pages are fetched again');
      assert.equal(model.accept(inFlight.requestId, pageOf(100, 100, 1000)), false);
      const changed = { ...pageOf(0, 100, 1000), rows: Array.from({ length: 100 }, () => [null]) };
      assert.ok(model.accept(again[0].requestId, changed));
      assert.deepEqual(model.rowAt(0)?.cells, [null]);
    });

    it('a failed page is not asked again until it leaves the view, and its sentence shows until a page comes', () => {
      const model = new GridModel(100, 12);
      const first = model.plan(0, 50).requests[0];
      assert.ok(model.fail(first.requestId, 'The filter value must be a number.'));
      assert.equal(model.error, 'The filter value must be a number.');
      assert.deepEqual(model.plan(0, 50).requests, [], 'no retry loop while it stays in view');
      model.plan(5000, 5050);
      const retry = model.plan(0, 50).requests[0];
      assert.equal(retry.start, 0, 'back in view, it is asked again');
      model.accept(retry.requestId, pageOf(0, 100, 1000));
      assert.equal(model.error, undefined);
      assert.equal(model.fail(retry.requestId, 'late'), false, 'an answered request cannot fail');
    });
  });
});
