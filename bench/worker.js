// One measurement in a fresh process, so peak RSS is this client's alone.
// Usage: node bench/worker.js ADAPTER WORKLOAD BASE_URL TOKEN [KERNEL_ID]
'use strict';
const path = require('node:path');

// Clients log to the console (@jupyterlab/services: "Starting WebSocket …"); stdout carries only the result.
for (const level of ['log', 'info', 'debug', 'warn']) console[level] = (...args) => process.stderr.write(`${args.join(' ')}\n`);

const WORKLOADS = {
  empty: { cells: Number(process.env.JR_BENCH_CELLS || 1000), code: 'pass' },
  stream: { code: "import sys\nchunk = 'x' * 1023 + '\\n'\nfor _ in range(51200):\n    sys.stdout.write(chunk)\nsys.stdout.flush()" },
  display: { code: "from IPython.display import display\nh = display('0', display_id=True)\nfor i in range(2000):\n    h.update(str(i))" },
  png: { code: "import os\nfrom IPython.display import Image, display\ndisplay(Image(data=b'\\x89PNG\\r\\n\\x1a\\n' + os.urandom(20 * 1024 * 1024), format='png'))" },
};

async function main() {
  const [adapterPath, workload, baseUrl, token, kernelId] = process.argv.slice(2);
  const adapter = require(path.resolve(adapterPath));
  const opts = { baseUrl, token, kernelName: 'python3', outputs: 'keep' };
  const result = { client: adapter.name, workload };
  if (workload === 'connect' || workload === 'attach') {
    const t0 = performance.now();
    const session = await adapter.connect(workload === 'attach' ? { ...opts, kernelId } : opts);
    result.ms = performance.now() - t0;
    result.protocol = session.protocol;
    await session.close({ shutdown: workload === 'connect' });
  } else if (workload === 'concurrency') {
    const sessions = await Promise.all([0, 1, 2, 3].map(() => adapter.connect(opts)));
    const t0 = performance.now();
    await Promise.all(sessions.map(async (s) => {
      for (let i = 0; i < 250; i++) await s.execute('pass');
    }));
    const ms = performance.now() - t0;
    result.ms = ms;
    result.cellsPerSecond = 1000 / (ms / 1000);
    await Promise.all(sessions.map((s) => s.close()));
  } else {
    const w = WORKLOADS[workload];
    const session = await adapter.connect(opts);
    await session.execute('1'); // warm
    if (workload === 'empty') {
      const times = [];
      const t0 = performance.now();
      for (let i = 0; i < w.cells; i++) {
        const s = performance.now();
        await session.execute(w.code);
        times.push(performance.now() - s);
      }
      const total = performance.now() - t0;
      times.sort((a, b) => a - b);
      result.min = times[0];
      result.median = times[Math.floor(times.length / 2)];
      result.p95 = times[Math.floor(times.length * 0.95)];
      result.cellsPerSecond = w.cells / (total / 1000);
      result.ms = result.median;
    } else {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const r = await session.execute(w.code);
      result.ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      result.cpuMs = (cpu.user + cpu.system) / 1000; // the client's own work, apart from waiting on the server
      result.status = r.status;
      result.counts = r.counts;
      result.outputs = r.outputs.length;
    }
    await session.close();
  }
  result.peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(() => process.exit(0), (e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
