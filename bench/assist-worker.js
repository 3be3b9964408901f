// Completion round trips in a fresh process, printed as JSON. Usage: node bench/assist-worker.js BASE_URL TOKEN
// On a fresh kernel with a name only the kernel knows: IDLE_ROUNDS completions on the idle kernel, then
// BUSY_ROUNDS while a cell sleeps (on the notebook's subshell where the kernel has subshells; without,
// they are not sent and come back empty at once). What the extension's completion provider calls
// (KernelAssist.complete), with its deadline raised so that a slow answer is measured, not dropped.
'use strict';
const path = require('node:path');

const IDLE_ROUNDS = 50;
const BUSY_ROUNDS = 20;

async function main() {
  const [baseUrl, token] = process.argv.slice(2);
  const core = require(path.resolve('dist/core.js'));
  const session = new core.HttpSession({ baseUrl: `${baseUrl}/`, credentials: { token } });
  const kernelId = (await core.startKernel(session, 'python3')).id;
  const conn = await core.KernelConnection.connect({ session, kernelId });
  const assist = new core.KernelAssist(conn);
  const run = (code) => conn.execute(code, { outputs: new core.NotebookOutputs().cell() }).done;
  try {
    await run("globals()['dyn_' + 'name_' + str(6*7)] = 1");
    assist.warmUp();
    const first = performance.now();
    await assist.complete('dyn_na', 6, undefined, 30000);
    const firstMs = performance.now() - first;
    const time = async (rounds) => {
      const times = [];
      let answered = 0;
      for (let i = 0; i < rounds; i++) {
        const t0 = performance.now();
        const items = await assist.complete('dyn_na', 6, undefined, 10000);
        times.push(performance.now() - t0);
        if (items?.some((c) => c.text === 'dyn_name_42')) answered++;
      }
      times.sort((a, b) => a - b);
      return { median: times[Math.floor(times.length / 2)], p95: times[Math.floor(times.length * 0.95)], answered, rounds };
    };
    const idle = await time(IDLE_ROUNDS);
    const sleeping = run('import time; time.sleep(30)');
    while (!conn.isRunningCode) await new Promise((r) => setTimeout(r, 5));
    const busy = await time(BUSY_ROUNDS);
    await conn.interrupt();
    await sleeping.catch(() => undefined);
    process.stdout.write(JSON.stringify({ subshells: assist.hasSubshells, firstMs, idle, busy }));
  } finally {
    assist.dispose();
    await conn.dispose();
    await core.shutdownKernel(session, kernelId).catch(() => undefined);
    await session.close();
  }
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
