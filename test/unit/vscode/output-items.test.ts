import assert from 'node:assert/strict';
import { ERROR_MIME, STDERR_MIME, STDOUT_MIME, fromOutputItems, toOutputItems } from '../../../src/vscode/notebooks/output-items';
import type { NbOutput } from '../../../src/core/kernel';
import type { ServerRecord } from '../../../src/vscode/servers/server-store';
import { identityWords, shownServer, statusBarText, tokenExpiryWarning } from '../../../src/vscode/servers/status-text';
import { ago } from '../../../src/vscode/shared/time-words';
import { defaultServerName, serversInPaste } from '../../../src/vscode/servers/connect-flow';

const text = (d: Uint8Array) => Buffer.from(d).toString('utf8');

describe('output items: nbformat outputs as VS Code output items', () => {
  it('streams go to the stdout and stderr mimes VS Code joins', () => {
    assert.deepEqual(toOutputItems({ output_type: 'stream', name: 'stdout', text: 'a\n' }).items.map((i) => [i.mime, text(i.data)]), [[STDOUT_MIME, 'a\n']]);
    assert.equal(toOutputItems({ output_type: 'stream', name: 'stderr', text: 'x' }).items[0].mime, STDERR_MIME);
  });

  it('back from VS Code to nbformat (a cell taken up after a reload starts from what it shows): each kind round-trips', () => {
    const outputs: NbOutput[] = [
      { output_type: 'stream', name: 'stdout', text: 'L0\nL1\n' },
      { output_type: 'stream', name: 'stderr', text: 'warn\n' },
      { output_type: 'error', ename: 'ValueError', evalue: 'bad', traceback: ['\u001b[0;31mValueError\u001b[0m', 'bad'] },
      { output_type: 'display_data', data: { 'image/png': 'iVBORw0KGgo=', 'text/plain': '<Figure>' }, metadata: { 'image/png': { width: 10 } } },
      { output_type: 'execute_result', execution_count: 7, data: { 'application/json': { a: [1, 'x'] }, 'text/html': '<b>7</b>' }, metadata: {} },
      { output_type: 'display_data', data: { 'application/vnd.jupyter.widget-view+json': { model_id: 'm1', version_major: 2, version_minor: 0 } }, metadata: {} },
    ];
    for (const output of outputs) {
      const mapped = toOutputItems(output, { ownWidgetMime: true });
      assert.deepEqual(fromOutputItems(mapped.items, mapped.metadata), output);
    }
    // Appended stream items (VS Code keeps them as items of one output) are one text.
    assert.deepEqual(fromOutputItems([{ mime: STDOUT_MIME, data: Buffer.from('a\n') }, { mime: STDOUT_MIME, data: Buffer.from('b\n') }]), { output_type: 'stream', name: 'stdout', text: 'a\nb\n' });
  });

  it('errors keep the ANSI traceback as the stack', () => {
    const mapped = toOutputItems({ output_type: 'error', ename: 'ZeroDivisionError', evalue: 'division by zero', traceback: ['\u001b[0;31mTraceback\u001b[0m', 'line 1'] });
    const error = JSON.parse(text(mapped.items[0].data));
    assert.equal(mapped.items[0].mime, ERROR_MIME);
    assert.deepEqual(error, { name: 'ZeroDivisionError', message: 'division by zero', stack: '\u001b[0;31mTraceback\u001b[0m\nline 1' });
  });

  it("outputs are data: markup in text stays text; HTML only ever comes as the kernel sent it, for VS Code's sandboxed renderer", () => {
    const hostile = '<script>parent.postMessage("x", "*")</script><img src=x onerror=alert(1)>';
    const cases = [
      toOutputItems({ output_type: 'stream', name: 'stdout', text: hostile }),
      toOutputItems({ output_type: 'stream', name: 'stderr', text: hostile }),
      toOutputItems({ output_type: 'error', ename: hostile, evalue: hostile, traceback: [hostile] }),
      toOutputItems({ output_type: 'execute_result', execution_count: 1, metadata: {}, data: { 'text/plain': hostile } }),
    ];
    for (const mapped of cases) {
      for (const item of mapped.items) assert.ok(![`text/html`, 'text/markdown', 'image/svg+xml'].includes(item.mime), `${item.mime} made from text`);
    }
    const html = toOutputItems({ output_type: 'display_data', metadata: {}, data: { 'text/html': hostile, 'text/plain': 'x' } });
    assert.equal(text(html.items.find((i) => i.mime === 'text/html')!.data), hostile, 'byte for byte, nothing added or rebuilt');
  });

  it('keeps every MIME type of a bundle: base64 images decoded, JSON serialised, text joined', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64');
    const mapped = toOutputItems({
      output_type: 'execute_result',
      execution_count: 3,
      metadata: { 'image/png': { width: 10 } },
      data: { 'text/plain': ['<Figure ', 'size>'], 'image/png': `${png}\n`, 'application/json': { a: 1 }, 'application/vnd.custom+json': [1, 2], 'text/html': '<b>x</b>', 'image/svg+xml': '<svg/>' },
    });
    const byMime = Object.fromEntries(mapped.items.map((i) => [i.mime, i.data]));
    assert.equal(text(byMime['text/plain']), '<Figure size>');
    assert.deepEqual([...byMime['image/png']], [0x89, 0x50, 0x4e, 0x47]);
    assert.deepEqual(JSON.parse(text(byMime['application/json'])), { a: 1 });
    assert.deepEqual(JSON.parse(text(byMime['application/vnd.custom+json'])), [1, 2]);
    assert.equal(text(byMime['text/html']), '<b>x</b>');
    assert.equal(text(byMime['image/svg+xml']), '<svg/>');
    assert.equal(mapped.metadata.executionCount, 3);
    assert.deepEqual(mapped.metadata.metadata, { 'image/png': { width: 10 } });
  });

  it("a widget view goes out under our own MIME too, first, only when asked (beside Microsoft's Jupyter extension)", () => {
    const view = { model_id: 'abc', version_major: 2, version_minor: 0 };
    const output = { output_type: 'display_data' as const, data: { 'text/plain': 'IntSlider(value=7)', 'application/vnd.jupyter.widget-view+json': view }, metadata: {} };
    assert.deepEqual(toOutputItems(output).items.map((i) => i.mime), ['text/plain', 'application/vnd.jupyter.widget-view+json']);
    const beside = toOutputItems(output, { ownWidgetMime: true }).items;
    assert.deepEqual(beside.map((i) => i.mime), ['application/vnd.jupyter-remote.widget-view+json', 'text/plain', 'application/vnd.jupyter.widget-view+json']);
    assert.deepEqual(JSON.parse(text(beside[0].data)), view);
    assert.deepEqual(toOutputItems({ output_type: 'display_data', data: { 'text/plain': 'x' }, metadata: {} }, { ownWidgetMime: true }).items.map((i) => i.mime), ['text/plain']);
  });

  it('skips a bundle value it cannot show instead of failing the cell', () => {
    const mapped = toOutputItems({ output_type: 'display_data', metadata: {}, data: { 'text/plain': 'ok', 'image/png': 42, 'text/html': { no: 1 } } });
    assert.deepEqual(mapped.items.map((i) => i.mime), ['text/plain']);
  });
});

describe('status bar wording', () => {
  it('names the server, its state and the kernel state', () => {
    assert.equal(statusBarText('lab', 'connected', undefined).text, '$(server) lab');
    assert.equal(statusBarText('lab', 'connected', 'busy').text, '$(server) lab · $(circle-filled) busy');
    assert.equal(statusBarText('lab', 'unreachable', undefined).text, '$(debug-disconnect) lab (unreachable)');
    assert.equal(statusBarText('lab', 'auth-needed', undefined).warning, true);
    assert.deepEqual([statusBarText('lab', 'stopped', undefined).text, statusBarText('lab', 'stopped', undefined).warning], ['$(debug-pause) lab (not running on the Hub)', true]);
    assert.equal(statusBarText('lab', 'connected', 'dead').warning, true);
    assert.match(statusBarText('lab', 'connected', 'reconnecting').text, /reconnecting/);
  });

  it('the tooltip says who jupyter_server 2 says you are and what it forbids, not the anonymous name it makes up', () => {
    const all = { contents: ['read', 'write'], kernels: ['read', 'write', 'execute'], sessions: ['read', 'write'], terminals: ['read', 'write', 'execute'] };
    const anonymous = { username: '348561820107480ca865adc956a1464e', displayName: 'Anonymous Chaldene', permissions: all };
    assert.equal(identityWords(anonymous), '');
    assert.equal(identityWords(undefined), '');
    const readOnly = { username: 'alice', displayName: 'alice', permissions: { ...all, kernels: ['read'], contents: ['read'], terminals: [] } };
    assert.equal(identityWords(readOnly), ' You are alice on this server. It does not let you run code, start or stop kernels, save files, open terminals.');
    assert.match(statusBarText('lab', 'connected', 'idle', undefined, { ...readOnly, displayName: 'Alice A.' }).tooltip, /You are Alice A\. \(alice\) on this server\. It does not let you run code/);
    assert.doesNotMatch(statusBarText('lab', 'unreachable', undefined, 'gone', readOnly).tooltip, /You are/, 'only while connected');
  });

  it("the tooltip says where the notebook's kernel runs: server and folder", () => {
    assert.match(statusBarText('lab', 'connected', 'idle', undefined, undefined, 'projects/churn').tooltip, /this notebook's kernel: idle, started in \/projects\/churn on lab\./);
    assert.match(statusBarText('lab', 'connected', 'busy', undefined, undefined, '').tooltip, /busy, started in \/ on lab\./);
    assert.doesNotMatch(statusBarText('lab', 'connected', undefined, undefined, undefined, 'x').tooltip, /started in/, 'no kernel, no folder');
  });

  it('an untrusted certificate is its own state, with the reason in the tooltip', () => {
    const view = statusBarText('lab', 'untrusted', undefined, 'The certificate of lab:443 is not signed by an authority this machine trusts (SHA-256 AB:CD).');
    assert.equal(view.text, '$(workspace-untrusted) lab (certificate not trusted)');
    assert.equal(view.warning, true);
    assert.match(view.tooltip, /SHA-256 AB:CD/);
    assert.match(view.tooltip, /review its certificate/);
    // A message is only shown when the server needs attention.
    assert.doesNotMatch(statusBarText('lab', 'connected', undefined, 'old news').tooltip, /old news/);
  });

  it("shows (and its menu acts on) the notebook's server, else the active one, else the first", () => {
    const servers = ['a', 'b', 'c'].map((id) => ({ id, name: id, baseUrl: `http://${id}/` }) as ServerRecord);
    assert.equal(shownServer(servers, 'b', 'c')?.id, 'c');
    assert.equal(shownServer(servers, 'b', undefined)?.id, 'b');
    assert.equal(shownServer(servers, 'gone', undefined)?.id, 'a');
    assert.equal(shownServer([], undefined, undefined), undefined);
  });
});

describe('connect flow, the parts without a server', () => {
  it('names a server by host and base_url', () => {
    assert.equal(defaultServerName({ baseUrl: 'http://127.0.0.1:8888/' }), '127.0.0.1:8888');
    assert.equal(defaultServerName({ baseUrl: 'https://hub.example.org/user/alice/' }), 'hub.example.org/user/alice');
  });

  it('says what to paste when the text holds no server, without repeating a secret', () => {
    assert.throws(() => serversInPaste('hello world'), /Paste a URL|No Jupyter server/);
    assert.throws(() => serversInPaste('ftp://x/?token=sekret123'), (e: Error) => !e.message.includes('sekret123'));
  });
});

describe('Hub token expiry warning', () => {
  const now = Date.parse('2026-11-22T12:00:00Z');
  it('warns within three days, in words, and not before or after', () => {
    assert.equal(tokenExpiryWarning('Team Hub', '2026-11-22T17:00:00Z', now), "The JupyterHub token for Team Hub expires in 5 hours. Create a new one on the Hub's Token page, then run Reconnect when the old one stops working.");
    assert.match(tokenExpiryWarning('x', '2026-11-22T12:20:00Z', now) ?? '', /in 20 minutes/);
    assert.match(tokenExpiryWarning('x', '2026-11-24T12:00:00Z', now) ?? '', /in 2 days/);
    assert.equal(tokenExpiryWarning('x', '2026-11-26T12:00:00Z', now), undefined, 'four days off: not yet');
    assert.equal(tokenExpiryWarning('x', '2026-11-22T11:00:00Z', now), undefined, 'expired: the check says so instead');
    assert.equal(tokenExpiryWarning('x', undefined, now), undefined);
    assert.equal(tokenExpiryWarning('x', 'not a date', now), undefined);
  });
});

describe('when, in words', () => {
  it("a server's last_activity as a person says it", () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    assert.equal(ago('2026-12-01T11:59:30.5Z', now), 'just now');
    assert.equal(ago('2026-12-01T11:59:00Z', now), '1 minute ago');
    assert.equal(ago('2026-12-01T11:15:00Z', now), '45 minutes ago');
    assert.equal(ago('2026-12-01T09:00:00Z', now), '3 hours ago');
    assert.equal(ago('2026-11-29T12:00:00Z', now), '2 days ago');
    assert.equal(ago(undefined, now), 'never');
    assert.equal(ago('not a time', now), 'never');
  });
});
