// Runs the extension-host tests inside a real VS Code with the standard tooling: @vscode/test-electron's
// runTests, given scripts/vscode-standin.mjs as the VS Code executable, which runs them in code-server
// 4.100.3 (VS Code 1.100.3) driven by Debian's chromium (shared/E2E.md), against real Jupyter servers: one of
// this run's stack (JR_STACK, Debian's by default) and one of today's, whose kernel has ipywidgets 8.
//
//   npx tsx test/extension/run.ts        (npm run test:extension)
//
// Exit code = result. The workbench's end state is saved as test-results/extension-host.png.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import { RunningJupyter, startJupyter } from '../server/fixtures/jupyter';

const root = path.resolve(__dirname, '../..');

async function buildTests(): Promise<string> {
  const outdir = path.join(root, 'out', 'test', 'extension');
  await esbuild.build({
    // One bundle for the whole suite (suite/index.ts imports each capability's tests): they share the extension's API.
    entryPoints: [path.join(__dirname, 'index.ts'), path.join(__dirname, 'suite', 'index.ts')],
    outdir,
    outbase: __dirname,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return path.join(outdir, 'index.js');
}

function findFiles(dir: string, match: (file: string) => boolean): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? findFiles(path.join(dir, e.name), match) : match(e.name) ? [path.join(dir, e.name)] : []));
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

async function main(): Promise<number> {
  const testsIndex = await buildTests();
  const jupyters: RunningJupyter[] = [];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'jr-ext-'));
  const workspace = path.join(tmp, 'workspace');
  const userData = path.join(tmp, 'user-data');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(path.join(workspace, 'README.md'), 'Extension-host test workspace\n');
  try {
    const started = (j: Promise<RunningJupyter>) => j.then((running) => (jupyters.push(running), running));
    const [token, current] = await Promise.all([
      started(startJupyter({ flavor: 'server' })),
      // Widgets need ipywidgets in the kernel: Debian's stack has none, today's has ipywidgets 8 (widgets.test.ts).
      started(startJupyter({ flavor: 'server', stack: 'current' })),
    ]);
    let code = 0;
    try {
      await runTests({
        vscodeExecutablePath: path.join(root, 'scripts', 'vscode-standin.mjs'),
        extensionDevelopmentPath: root,
        extensionTestsPath: testsIndex,
        launchArgs: [workspace, `--user-data-dir=${userData}`, `--extensions-dir=${path.join(tmp, 'extensions')}`],
        extensionTestsEnv: {
          JR_TEST_SERVERS: JSON.stringify(Object.fromEntries(Object.entries({ token, current }).map(([name, j]) => [name, { url: j.url, token: j.token, flavor: j.flavor }]))),
          VSCODE_STANDIN_SCREENSHOT: path.join(root, 'test-results', 'extension-host.png'),
          VSCODE_STANDIN_TIMEOUT_MS: '600000',
        },
      });
    } catch (e) {
      console.error(`extension-host tests: ${(e as Error).message}`);
      code = 1;
    }
    // Our LogOutputChannel's file: how long activation took, and proof that no secret reached it.
    const logs = findFiles(path.join(userData, 'logs'), (f) => f.endsWith('Jupyter Remote.log'));
    const logText = logs.map((f) => readFileSync(f, 'utf8')).join('\n');
    const activation = /activated in ([\d.]+) ms/.exec(logText);
    console.log(`extension log: ${logs.length} file(s), ${logText.split('\n').length} lines; activation ${activation ? `${activation[1]} ms` : 'not logged'}`);
    // A command's failure reaches the person as a notification, which a test cannot see: its log line says why.
    if (code !== 0) for (const line of logText.split('\n').filter((l) => /\[(error|warning)\]|debug [←→]/.test(l)).slice(-60)) console.error(`extension log: ${line}`);
    if (!logText) {
      console.error('extension-host tests: the extension wrote no log');
      return 1;
    }
    // Run at trace level (the tests set it): each REST request is logged, so the scan below means something.
    const traced = logText.split('\n').filter((l) => /\[trace\] (GET|POST|DELETE|PATCH) \//.test(l)).length;
    console.log(`extension log: ${traced} trace lines of requests`);
    if (code === 0 && traced === 0) {
      console.error('extension-host tests: the extension log holds no trace line (was the log level not set to trace?)');
      return 1;
    }
    // No secret in the log, in the user's or the workspace's settings.
    const settings = [path.join(userData, 'User', 'settings.json'), path.join(workspace, '.vscode', 'settings.json')];
    for (const [where, text] of [['the extension log', logText], ...settings.map((f) => [f, readText(f)])]) {
      if (jupyters.some((j) => text.includes(j.token) || text.includes(encodeURIComponent(j.token)))) {
        console.error(`extension-host tests: a server token appears in ${where}`);
        return 1;
      }
    }
    return code;
  } finally {
    await Promise.all(jupyters.map((j) => j.stop()));
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`extension-host tests: ${(e as Error).stack ?? String(e)}`);
    process.exit(1);
  },
);
