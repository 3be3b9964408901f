// A terminal on the server (issue 19): the terminals API and terminado's WebSocket, on both stacks.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { TerminalsUnavailableError, createTerminal, deleteTerminal, listTerminals } from '../../src/core/api';
import { HttpSession } from '../../src/core/http';
import { TerminalConnection } from '../../src/core/terminal';
import { RunningJupyter, startJupyter } from './fixtures/jupyter';

/** A terminal connection whose output is collected; `until` waits for a pattern in it. */
async function connect(session: HttpSession, name: string) {
  let text = '';
  let writes = 0;
  let closed: string | undefined;
  const conn = await TerminalConnection.open({ session, name, onOutput: (t) => ((text += t), writes++), onClose: (r) => (closed = r) });
  return {
    conn,
    text: () => text,
    writes: () => writes,
    closed: () => closed,
    async until(pattern: RegExp, ms = 20000): Promise<string> {
      const end = Date.now() + ms;
      while (!pattern.test(text)) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${pattern} in ${JSON.stringify(text.slice(-400))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return text;
    },
  };
}

describe('a terminal on the server', function () {
  this.timeout(120000);
  let server: RunningJupyter;
  let session: HttpSession;

  before(async () => {
    server = await startJupyter({ flavor: 'server' });
    session = new HttpSession({ baseUrl: server.url, credentials: { token: server.token } });
    mkdirSync(path.join(server.rootDir, 'project', 'data'), { recursive: true });
  });
  after(async () => {
    for (const t of await listTerminals(session).catch(() => [])) await deleteTerminal(session, t.name);
    await session?.close();
    await server?.stop();
  });

  it('opens in the folder asked for; a command typed runs there, and its effect is on the server', async () => {
    const { name } = await createTerminal(session, { cwd: 'project/data' });
    const t = await connect(session, name);
    try {
      t.conn.write('pwd\r');
      await t.until(new RegExp(`${path.join(server.rootDir, 'project', 'data').replace(/[/.]/g, '\\$&')}\\r?\\n`));
      t.conn.write('echo made-by-the-terminal > from-terminal.txt\r');
      const file = path.join(server.rootDir, 'project', 'data', 'from-terminal.txt');
      const end = Date.now() + 10000;
      while (Date.now() < end && !(await import('node:fs')).existsSync(file)) await new Promise((r) => setTimeout(r, 50));
      assert.equal(readFileSync(file, 'utf8'), 'made-by-the-terminal\n');
    } finally {
      t.conn.close();
    }
  });

  it('a folder that is not there opens the root; resize reaches the shell (stty size)', async () => {
    const { name } = await createTerminal(session, { cwd: 'no/such/folder' });
    const t = await connect(session, name);
    try {
      t.conn.write('pwd\r');
      await t.until(new RegExp(`${server.rootDir.replace(/[/.]/g, '\\$&')}\\r?\\n`));
      t.conn.resize(21, 77);
      await new Promise((r) => setTimeout(r, 200));
      t.conn.write('stty size\r');
      await t.until(/21 77/);
    } finally {
      t.conn.close();
    }
  });

  it('UTF-8 arrives whole: 3 000 multi-byte characters in one burst, nothing split or replaced', async () => {
    const { name } = await createTerminal(session);
    const t = await connect(session, name);
    try {
      const unit = 'ü€𝄞あ';
      // Markers made by concatenation, so the typed command, echoed back, does not contain them.
      t.conn.write(`python3 -c "print('BE' + 'GIN' + '\\u00fc\\u20ac\\U0001d11e\\u3042' * 3000 + 'E' + 'ND')"\r`);
      const text = await t.until(/BEGIN[^]*END/);
      const got = /BEGIN([^]*)END/.exec(text)![1].replace(/\r?\n/g, '');
      assert.equal(got, unit.repeat(3000));
      assert.ok(!text.includes('\ufffd'), 'no replacement characters');
    } finally {
      t.conn.close();
    }
  });

  it('a burst (yes | head -n 200000) arrives whole, in few writes', async () => {
    const { name } = await createTerminal(session);
    const t = await connect(session, name);
    try {
      await new Promise((r) => setTimeout(r, 300));
      const before = t.writes();
      const started = Date.now();
      // The marker printed differs from the command echoed back (burst-$((1+1))done prints burst-2done).
      t.conn.write('yes | head -n 200000; echo burst-$((1+1))done\r');
      const text = await t.until(/burst-2done\r?\n/, 60000);
      const ms = Date.now() - started;
      // As a terminal shows it: escape sequences (bash's bracketed-paste switch) drawn as nothing, `\r` back to the line's start.
      const shown = text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').split('\n').map((l) => l.replace(/\r$/, '').split('\r').pop());
      const ys = shown.filter((l) => l === 'y').length;
      assert.equal(ys, 200000);
      const writes = t.writes() - before;
      assert.ok(writes < 2000, `${writes} writes for 200 000 lines`);
      console.log(`      yes | head -n 200000: ${ms} ms to the last line, ${writes} writes to the terminal`);
    } finally {
      t.conn.close();
    }
  });

  it('closing disconnects only: the terminal stays, and connecting again replays what it printed; deleting ends it', async () => {
    const { name } = await createTerminal(session);
    const first = await connect(session, name);
    first.conn.write('echo still-here-after-a-reload\r');
    await first.until(/still-here-after-a-reload\r?\n/);
    first.conn.close();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(first.closed(), 'closed');
    assert.ok((await listTerminals(session)).some((t) => t.name === name), 'still on the server');
    const again = await connect(session, name);
    try {
      await again.until(/still-here-after-a-reload/);
    } finally {
      again.conn.close();
    }
    await deleteTerminal(session, name);
    assert.ok(!(await listTerminals(session)).some((t) => t.name === name), 'gone once deleted');
    await assert.rejects(TerminalConnection.open({ session, name, onOutput: () => undefined, onClose: () => undefined }), TerminalsUnavailableError);
  });

  it('the shell exiting ends the connection as "ended"', async () => {
    const { name } = await createTerminal(session);
    const t = await connect(session, name);
    t.conn.write('exit\r');
    const end = Date.now() + 10000;
    while (!t.closed() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    assert.equal(t.closed(), 'ended');
  });
});

describe('a server with terminals turned off', function () {
  this.timeout(60000);
  it('says so in one sentence', async () => {
    const server = await startJupyter({ flavor: 'server', extraArgs: ['--ServerApp.terminals_enabled=False'] });
    const session = new HttpSession({ baseUrl: server.url, credentials: { token: server.token } });
    try {
      await assert.rejects(listTerminals(session), (e: Error) => e instanceof TerminalsUnavailableError && /offers no terminals/.test(e.message));
      await assert.rejects(createTerminal(session), TerminalsUnavailableError);
    } finally {
      await session.close();
      await server.stop();
    }
  });
});
