// Benchmark adapter for Jupyter Remote (BENCH.md contract): a thin wrapper over the real client in
// dist/core.js — the same code the extension and the CLI run — never a separate fast path.
'use strict';
const core = require('../dist/core.js');

exports.name = 'jupyter-remote';

/** @param {{baseUrl: string, token: string, kernelName: string, kernelId?: string, outputs: 'keep'|'count'}} opts */
exports.connect = async function connect(opts) {
  const t0 = performance.now();
  const session = new core.HttpSession({ baseUrl: `${opts.baseUrl.replace(/\/+$/, '')}/`, credentials: { token: opts.token } });
  let kernelId = opts.kernelId;
  const started = !kernelId;
  if (!kernelId) kernelId = (await core.startKernel(session, opts.kernelName)).id;
  const t1 = performance.now();
  const conn = await core.KernelConnection.connect({ session, kernelId });
  const t2 = performance.now();
  const notebook = new core.NotebookOutputs();
  return {
    kernelId,
    protocol: conn.protocol === 'v1' ? core.V1_PROTOCOL : '',
    timings: { startKernel: t1 - t0, connect: t2 - t1 },
    async execute(code) {
      const counts = { textChars: 0 };
      const cell = opts.outputs === 'keep' ? notebook.cell() : undefined;
      const execution = conn.execute(code, {
        outputs: cell,
        onMessage(msg) {
          const type = msg.header.msg_type;
          counts[type] = (counts[type] || 0) + 1;
          if (type === 'stream') counts.textChars += String(msg.content.text || '').length;
        },
      });
      const result = await execution.done;
      counts.execute_reply = 1;
      const outputs = cell ? cell.toJSON() : [];
      if (cell) notebook.release(cell);
      return { status: result.status === 'unknown' ? 'ok' : result.status, outputs, counts };
    },
    async close(closeOpts = {}) {
      await conn.dispose();
      if (closeOpts.shutdown ?? started) await core.shutdownKernel(session, kernelId);
      await session.close();
    },
  };
};
