// Issue 29 item 13: a Hub user's server that is stopped, whose "go to the Hub" redirect names another
// origin. Connect to Server must not take the token there (the CLI already refuses: HttpSession.sibling).
import assert from 'node:assert/strict';
import { Redactor, nullLogger } from '../../src/core/util/logger';
import { ConnectError, connectToServer } from '../../src/vscode/servers/connect-flow';
import { ServerStore } from '../../src/vscode/servers/server-store';
import { MemorySecrets, MemoryState } from '../support/memory-storage';
import { ScriptedUi } from '../support/scripted-ui';
import { FakeServer, startFakeServer } from './fixtures/fake-http';

describe('Connect to Server: a stopped Hub server whose redirect names another origin', () => {
  const token = 'c0ffee-hub-token-2f9d1e';
  let elsewhere: FakeServer;
  let pasted: FakeServer;

  before(async () => {
    // Answers anything as a Hub would refuse it: the test is that nothing reaches it with the token.
    elsewhere = await startFakeServer((_req, res) => void res.writeHead(403, { 'Content-Type': 'application/json' }).end('{"message": "no"}'));
    pasted = await startFakeServer((req, res) => {
      // A stopped server's path sends the client into the Hub, here on another origin; the Hub's own
      // path on this origin then says the server is not running (as JupyterHub 3 does with 424).
      if (req.url?.startsWith('/user/alice/')) res.writeHead(302, { Location: `${elsewhere.url}hub/user/alice/api` }).end();
      else if (req.url?.startsWith('/hub/user/alice/')) res.writeHead(424, { 'Content-Type': 'application/json' }).end('{"message": "JupyterHub server no longer running"}');
      else res.writeHead(404).end();
    });
  });
  after(async () => {
    await Promise.all([pasted?.close(), elsewhere?.close()]);
  });

  it('refuses in one sentence before asking anything; the token never reaches the other origin, nothing is stored', async () => {
    const store = new ServerStore(new MemoryState(), new MemorySecrets());
    const ui = new ScriptedUi({ start: true, name: 'alice' });
    const failure = await connectToServer(`${pasted.url}user/alice/?token=${token}`, { ui, store, logger: nullLogger, redactor: new Redactor() }).then(
      () => assert.fail('connected'),
      (e: unknown) => e,
    );
    const carrying = elsewhere.requests.filter((r) => JSON.stringify(r).includes(token));
    assert.deepEqual(carrying, [], 'the token never reached the other origin');
    assert.ok(failure instanceof ConnectError, `a ConnectError, not ${String(failure)}`);
    assert.match(failure.message, /^[^.\n]+(\.[^\s.][^.\n]*)*\.$/, `one sentence: ${failure.message}`);
    assert.match(failure.message, new RegExp(`127\\.0\\.0\\.1:${elsewhere.port}`), 'names where the Hub pointed');
    assert.ok(!failure.message.includes(token), 'no token in the message');
    assert.deepEqual(elsewhere.requests, [], 'nothing at all was sent to the other origin');
    assert.deepEqual(ui.asked, [], 'no question that could not lead anywhere');
    assert.deepEqual(store.list(), []);
  });
});
