// The same contract over @jupyterlab/services, the client library JupyterLab and VS Code's Jupyter
// extension use, configured as a Node program would (ws for WebSocket, the global fetch).
'use strict';
const { ServerConnection, KernelAPI, KernelConnection } = require('@jupyterlab/services');
const WebSocket = require('ws');

exports.name = '@jupyterlab/services';

exports.connect = async function connect(opts) {
  const base = `${opts.baseUrl.replace(/\/+$/, '')}/`;
  const serverSettings = ServerConnection.makeSettings({
    baseUrl: base,
    wsUrl: base.replace(/^http/, 'ws'),
    token: opts.token,
    appendToken: true,
    WebSocket,
    fetch: globalThis.fetch,
    Request: globalThis.Request,
    Headers: globalThis.Headers,
  });
  const t0 = performance.now();
  const model = opts.kernelId ? { id: opts.kernelId, name: opts.kernelName } : await KernelAPI.startNew({ name: opts.kernelName }, serverSettings);
  const started = !opts.kernelId;
  const t1 = performance.now();
  const kernel = new KernelConnection({ model, serverSettings, handleComms: false });
  await kernel.info;
  const t2 = performance.now();
  return {
    kernelId: model.id,
    protocol: kernel.serverSettings && kernel._ws ? kernel._ws.protocol : undefined,
    timings: { startKernel: t1 - t0, connect: t2 - t1 },
    async execute(code) {
      const counts = { textChars: 0 };
      const outputs = [];
      const future = kernel.requestExecute({ code, stop_on_error: true });
      future.onIOPub = (msg) => {
        const type = msg.header.msg_type;
        counts[type] = (counts[type] || 0) + 1;
        if (type === 'stream') counts.textChars += String(msg.content.text || '').length;
        if (opts.outputs === 'keep' && ['stream', 'display_data', 'execute_result', 'error', 'update_display_data', 'clear_output'].includes(type)) {
          outputs.push({ output_type: type, ...msg.content });
        }
      };
      const reply = await future.done;
      counts.execute_reply = 1;
      return { status: reply.content.status, outputs, counts };
    },
    async close(closeOpts = {}) {
      kernel.dispose();
      if (closeOpts.shutdown ?? started) await KernelAPI.shutdownKernel(model.id, serverSettings);
    },
  };
};
