import assert from 'node:assert/strict';
import {
  ContentsError,
  createSession,
  deleteSession,
  getContents,
  getKernel,
  interruptKernel,
  listDirectory,
  listKernelSpecs,
  listKernels,
  listSessions,
  restartKernel,
  shutdownKernel,
  startKernel,
} from '../../src/core/api';
import { HttpSession, JupyterHttpError } from '../../src/core/http';
import { Flavor, RunningJupyter, startJupyter } from './fixtures/jupyter';
import { stack } from './fixtures/stack';

for (const flavor of ['server', 'notebook'] as Flavor[]) {
  describe(`REST client against \`jupyter ${flavor}\` of the ${stack.name} stack (API ${stack.apiVersion(flavor)}) with a base_url`, function () {
    this.timeout(120000);
    let server: RunningJupyter;
    let session: HttpSession;
    const started: string[] = [];

    before(async () => {
      server = await startJupyter({ flavor, baseUrl: '/user/alice/' });
      session = new HttpSession({ baseUrl: server.url, credentials: { token: server.token } });
    });
    after(async () => {
      for (const id of started) await shutdownKernel(session, id).catch(() => undefined);
      await session?.close();
      await server?.stop();
    });

    it('kernelspecs, with resource URLs resolved under base_url and fetchable', async () => {
      const specs = await listKernelSpecs(session);
      assert.equal(specs.default, 'python3');
      const py = specs.specs.python3;
      assert.equal(py.displayName, 'Python 3 (ipykernel)');
      assert.equal(py.language, 'python');
      const logo = py.resources['logo-64x64'];
      assert.ok(logo.startsWith(`${server.url}kernelspecs/python3/`), logo);
      const res = await session.request('GET', new URL(logo).pathname);
      assert.equal(res.status, 200);
      assert.match(res.header('content-type') ?? '', /image\/png/);
    });

    it('kernels: start, list, get, interrupt, restart, shut down', async () => {
      const kernel = await startKernel(session, 'python3');
      started.push(kernel.id);
      assert.equal(kernel.name, 'python3');
      assert.ok((await listKernels(session)).some((k) => k.id === kernel.id));
      assert.equal((await getKernel(session, kernel.id)).id, kernel.id);
      await interruptKernel(session, kernel.id);
      const restarted = await restartKernel(session, kernel.id);
      assert.equal(restarted.id, kernel.id);
      await shutdownKernel(session, kernel.id);
      started.pop();
      await assert.rejects(getKernel(session, kernel.id), (e: Error) => e instanceof JupyterHttpError && e.status === 404 && /Could not read the kernel/.test(e.message));
    });

    it('an unknown kernel name is a clear error, not a traceback', async () => {
      await assert.rejects(startKernel(session, 'no-such-kernel'), (e: Error) => {
        assert.ok(e instanceof JupyterHttpError);
        assert.equal(e.status, 500);
        assert.match(e.message, /^Could not start a no-such-kernel kernel: the server answered HTTP 500/);
        assert.ok(!/Traceback|File "/.test(e.message), e.message);
        return true;
      });
    });

    it('sessions tie a kernel to a notebook path; attach to a running kernel; delete', async () => {
      const s = await createSession(session, { path: 'work/demo.ipynb', kernelName: 'python3' });
      started.push(s.kernel.id);
      assert.equal(s.path, 'work/demo.ipynb');
      assert.ok((await listSessions(session)).some((x) => x.id === s.id));
      const attached = await createSession(session, { path: 'work/other.ipynb', kernelId: s.kernel.id });
      assert.equal(attached.kernel.id, s.kernel.id);
      assert.notEqual(attached.id, s.id);
      // Deleting a session shuts its kernel down, which ends the other session on it too.
      await deleteSession(session, attached.id);
      assert.ok(!(await listKernels(session)).some((k) => k.id === s.kernel.id));
      assert.ok(!(await listSessions(session)).some((x) => x.id === s.id || x.id === attached.id));
      await deleteSession(session, s.id); // already gone: not an error
      await shutdownKernel(session, s.kernel.id); // likewise
    });

    it('contents: list the root, read a file, 404 for a missing one', async () => {
      const entries = await listDirectory(session);
      assert.ok(entries.some((e) => e.name === 'hello.py' && e.type === 'file'));
      const file = await getContents(session, 'hello.py', { type: 'file', format: 'text' });
      assert.equal(file.content, "print('hi')\n");
      await assert.rejects(getContents(session, 'missing.ipynb'), (e: Error) => e instanceof JupyterHttpError && e.status === 404 && e instanceof ContentsError && e.problem === 'not-found');
    });
  });
}
