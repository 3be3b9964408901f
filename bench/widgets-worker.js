// One widget measurement in a fresh process, printed as JSON. Usage: node bench/widgets-worker.js WHO OP BASE_URL TOKEN
//   OP tqdm    a `tqdm.notebook` loop of TQDM_STEPS iterations on a fresh kernel, TQDM_LOOPS times: the median of the
//              loop's time as the kernel measures it (perf_counter around it) and of the cell's wall time as we see it.
//              WHO ours — the built client (dist/core.js) with its widget models, every widget message turned into
//                         what the extension posts to the renderer (JSON, buffers base64);
//                  bare — the same connection with no widget front end: the kernel alone, its messages dropped.
//   OP slider  (ours) a slider's value set from the front end, its observe callback printing into an Output
//              widget, until that print is back in the Output widget's state: SLIDER_MOVES round trips.
'use strict';
const path = require('node:path');

const TQDM_STEPS = 10000;
const TQDM_LOOPS = 9;
const SLIDER_MOVES = 50;

async function main() {
  const [who, op, baseUrl, token] = process.argv.slice(2);
  const core = require(path.resolve('dist/core.js'));
  const session = new core.HttpSession({ baseUrl: `${baseUrl}/`, credentials: { token } });
  const kernelId = (await core.startKernel(session, 'python3')).id;
  const conn = await core.KernelConnection.connect({ session, kernelId });
  const run = async (code) => {
    const outputs = new core.NotebookOutputs().cell();
    const r = await conn.execute(code, { outputs }).done;
    if (r.status !== 'ok') throw new Error(`${code}: ${JSON.stringify(outputs.toJSON())}`);
    return outputs.toJSON().map((o) => o.text ?? '').join('');
  };
  let widgets;
  let posted = 0;
  if (who === 'ours') {
    widgets = new core.WidgetModels(conn);
    widgets.onMessage((m) => {
      posted += JSON.stringify(m.kind === 'close' ? m : { ...m, buffers: m.buffers.map((b) => b.toString('base64')) }).length;
    });
  }
  try {
    await run('import ipywidgets as w, time\nfrom tqdm.notebook import tqdm');
    if (op === 'tqdm') {
      // Loops of tens of milliseconds vary by more than the effect measured: the median of TQDM_LOOPS, after one to warm up.
      const loop = `t0 = time.perf_counter()\nfor _ in tqdm(range(${TQDM_STEPS})):\n    pass\nprint(time.perf_counter() - t0)`;
      await run(loop);
      const walls = [];
      const kernels = [];
      for (let i = 0; i < TQDM_LOOPS; i++) {
        const t0 = performance.now();
        const text = await run(loop);
        walls.push(performance.now() - t0);
        kernels.push(Number(text.trim().split('\n').pop()) * 1000);
      }
      const mid = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      process.stdout.write(JSON.stringify({ who, op, ms: mid(walls), kernelMs: mid(kernels), posted }));
    } else if (op === 'slider') {
      await run("s = w.IntSlider()\nout = w.Output()\ndef moved(change):\n    with out:\n        print(f'moved to {change.new}')\ns.observe(moved, names='value')");
      const slider = widgets.replay().map((m) => widgets.get(m.commId)).find((m) => m.name === 'IntSliderModel');
      const output = widgets.replay().map((m) => widgets.get(m.commId)).find((m) => m.name === 'OutputModel');
      const times = [];
      for (let i = 1; i <= SLIDER_MOVES; i++) {
        const back = new Promise((resolve) => {
          const sub = widgets.onMessage((m) => {
            if (m.commId === output.id && JSON.stringify(m.data).includes(`moved to ${i}\\n`)) {
              sub.dispose();
              resolve();
            }
          });
        });
        const t0 = performance.now();
        widgets.send(slider.id, { method: 'update', state: { value: i }, buffer_paths: [] });
        await back;
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      process.stdout.write(JSON.stringify({ who, op, median: times[Math.floor(times.length / 2)], p95: times[Math.floor(times.length * 0.95)], min: times[0] }));
    }
  } finally {
    widgets?.dispose();
    await conn.dispose();
    await core.shutdownKernel(session, kernelId);
    await session.close();
  }
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
