import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { probeServer, shutdownKernel, startKernel } from '../../src/core/api';
import { KernelConnection, NotebookOutputs } from '../../src/core/kernel';
import { HttpSession, NetworkError, TlsError, normalizeFingerprint } from '../../src/core/http';
import { TestCert, makeSelfSignedCert } from './fixtures/certs';
import { RunningJupyter, startJupyter } from './fixtures/jupyter';

const execFileAsync = promisify(execFile);

describe('TLS: self-signed servers, CA files and pinned fingerprints', function () {
  this.timeout(120000);
  let cert: TestCert;
  let other: TestCert;
  let server: RunningJupyter;
  /** The certificate the server presents now (a test below restarts it with another). */
  let presented: TestCert;
  const sessions: HttpSession[] = [];
  const open = (trust?: { ca?: string; fingerprint?: string }, baseUrl = server.url, token = server.token) => {
    const s = new HttpSession({ baseUrl, credentials: { token }, trust });
    sessions.push(s);
    return s;
  };

  before(async () => {
    cert = makeSelfSignedCert('jr-test-a');
    other = makeSelfSignedCert('jr-test-b');
    server = await startJupyter({ flavor: 'server', certfile: cert.certfile, keyfile: cert.keyfile });
    presented = cert;
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
  });
  after(async () => {
    await server?.stop();
  });

  it('refuses a self-signed certificate by default, showing its SHA-256 fingerprint', async () => {
    await assert.rejects(probeServer(open()), (e: Error) => {
      assert.ok(e instanceof TlsError, String(e));
      assert.equal(e.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
      assert.equal(e.fingerprint, cert.fingerprint, 'the fingerprint openssl computes');
      assert.ok(e.message.includes(cert.fingerprint));
      assert.ok(!e.message.includes(server.token));
      return true;
    });
  });

  it('accepts it with its CA file', async () => {
    const info = await probeServer(open({ ca: cert.pem }));
    assert.deepEqual([info.flavor, info.authenticated], ['jupyter-server', true]);
  });

  it('accepts it pinned by fingerprint, in any hex spelling', async () => {
    for (const fp of [cert.fingerprint, cert.fingerprint.replace(/:/g, '').toLowerCase()]) {
      const info = await probeServer(open({ fingerprint: fp }));
      assert.equal(info.authenticated, true);
    }
  });

  it('runs a kernel over the pinned connection (wss), a 1.2 MB output arriving whole through 16 KB TLS records', async () => {
    const pinned = open({ fingerprint: cert.fingerprint });
    const kernelId = (await startKernel(pinned, 'python3')).id;
    const conn = await KernelConnection.connect({ session: pinned, kernelId });
    try {
      const cell = new NotebookOutputs().cell();
      const r = await conn.execute("import sys\nsys.stdout.write('0123456789abcdef' * 75_000); sys.stdout.flush()", { outputs: cell }).done;
      assert.equal(r.status, 'ok');
      assert.equal(cell.toJSON().map((o) => (o.output_type === 'stream' ? o.text : '')).join(''), '0123456789abcdef'.repeat(75_000));
    } finally {
      await conn.dispose();
      await shutdownKernel(pinned, kernelId);
    }
  });

  it('refuses a pin of another certificate before sending the token', async () => {
    await assert.rejects(probeServer(open({ fingerprint: other.fingerprint })), (e: Error) => {
      assert.ok(e instanceof TlsError);
      assert.equal(e.code, 'PIN_MISMATCH');
      assert.equal(e.fingerprint, cert.fingerprint);
      return true;
    });
  });

  it('writes not one byte to a server whose certificate fails the pin', async () => {
    let received = 0;
    let connections = 0;
    const tlsServer = tls.createServer({ cert: cert.pem, key: readFileSync(cert.keyfile) }, (socket) => {
      socket.on('data', (d) => (received += d.length));
      socket.on('error', () => undefined);
    });
    tlsServer.on('connection', () => connections++);
    tlsServer.on('tlsClientError', () => undefined);
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    try {
      const { port } = tlsServer.address() as AddressInfo;
      await assert.rejects(open({ fingerprint: other.fingerprint }, `https://127.0.0.1:${port}/`).request('GET', 'api/status'), (e: Error) => e instanceof TlsError && e.code === 'PIN_MISMATCH');
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(connections >= 1, 'the client connected and saw the certificate');
      assert.equal(received, 0, 'no request line, header or token reached it');
    } finally {
      tlsServer.close();
    }
  });

  it('refuses the server once it presents a different certificate on the same address', async () => {
    const pinned = open({ fingerprint: cert.fingerprint });
    assert.equal((await probeServer(pinned)).authenticated, true);
    await server.stop();
    server = await startJupyter({ flavor: 'server', certfile: other.certfile, keyfile: other.keyfile, port: server.port, token: server.token });
    presented = other;
    const again = open({ fingerprint: cert.fingerprint });
    await assert.rejects(probeServer(again), (e: Error) => e instanceof TlsError && e.code === 'PIN_MISMATCH' && e.fingerprint === other.fingerprint);
  });

  it('http spoken to the https port, and https to an http port, each say which scheme to use', async () => {
    const plain = open(undefined, server.url.replace('https:', 'http:'));
    await assert.rejects(probeServer(plain), (e: Error) => e instanceof NetworkError && /use https:\/\//.test(e.message));
    const httpServer = await startJupyter({ flavor: 'server' });
    try {
      const wrongScheme = new HttpSession({ baseUrl: httpServer.url.replace('http:', 'https:'), credentials: { token: httpServer.token }, timeoutMs: 3000 });
      sessions.push(wrongScheme);
      await assert.rejects(probeServer(wrongScheme), (e: Error) => e instanceof TlsError && /try http:\/\//.test(e.message));
    } finally {
      await httpServer.stop();
    }
  });

  it('normalizeFingerprint rejects what is not a SHA-256', () => {
    assert.equal(normalizeFingerprint('abc'), undefined);
    assert.equal(normalizeFingerprint('zz'.repeat(32)), undefined);
    assert.equal(normalizeFingerprint(`sha256:${'ab'.repeat(32)}`), Array(32).fill('AB').join(':'));
  });

  it('`jupyter-remote check` prints the fingerprint to pin, and accepts --fingerprint and --ca', async () => {
    const cli = path.resolve('dist/cli.js');
    const url = `${server.url}lab?token=${server.token}`;
    await assert.rejects(execFileAsync(process.execPath, [cli, 'check', url]), (e: { code: number; stderr: string }) => {
      assert.equal(e.code, 1);
      assert.ok(e.stderr.includes(`--fingerprint ${presented.fingerprint}`), e.stderr);
      assert.ok(!e.stderr.includes(server.token));
      assert.equal(e.stderr.trim().split('\n').length, 1, 'one line');
      return true;
    });
    const pinned = JSON.parse((await execFileAsync(process.execPath, [cli, 'check', url, '--fingerprint', presented.fingerprint])).stdout);
    assert.equal(pinned.flavor, 'jupyter-server');
    const withCa = JSON.parse((await execFileAsync(process.execPath, [cli, 'check', url, '--ca', presented.certfile])).stdout);
    assert.deepEqual(withCa.kernelspecs, ['python3']);
  });
});
