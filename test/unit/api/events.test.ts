import assert from 'node:assert/strict';
import { CONTENTS_EVENT_SCHEMA, contentsChangeOf } from '../../../src/core/api/events';

const frame = (fields: Record<string, unknown>) => JSON.stringify({ schema_id: CONTENTS_EVENT_SCHEMA, version: '1', ...fields });

describe('event stream frames', () => {
  it('a change through the Contents API gives its action and normalised paths', () => {
    assert.deepEqual(contentsChangeOf(frame({ action: 'save', path: 'data/x.csv' })), { action: 'save', path: 'data/x.csv' });
    assert.deepEqual(contentsChangeOf(frame({ action: 'rename', path: '/b/new.txt', source_path: 'b//old.txt' })), { action: 'rename', path: 'b/new.txt', sourcePath: 'b/old.txt' });
    assert.deepEqual(contentsChangeOf(frame({ action: 'delete', path: '' })), { action: 'delete', path: '' });
  });

  it('reads, other schemas, paths above the root and malformed frames are not changes', () => {
    const notChanges = [
      frame({ action: 'get', path: 'x' }), // every read, ours included: one per entry of a listed folder
      frame({ action: 'explode', path: 'x' }),
      frame({ action: 'save' }),
      frame({ action: 'save', path: 42 }),
      frame({ action: 'save', path: '../../etc/passwd' }),
      JSON.stringify({ schema_id: 'https://events.jupyter.org/jupyter_server/kernel_actions/v1', action: 'start', path: 'x' }),
      'not json',
      'null',
      '[]',
    ];
    for (const f of notChanges) assert.equal(contentsChangeOf(f), undefined, f);
  });
});
