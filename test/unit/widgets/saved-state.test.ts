// What a notebook keeps of its widgets when their state is saved (issue 29 item 10): never what was typed
// into a Password widget, whether the kernel set it or the person did; the live view keeps it.
import assert from 'node:assert/strict';
import type { KernelConnection, KernelMessage } from '../../../src/core/kernel';
import { Emitter } from '../../../src/core/util/events';
import { WidgetModels, modelsOfDocument } from '../../../src/core/widgets';

/** The parts of a KernelConnection WidgetModels uses: IOPub in, shell messages out (kept). */
function fakeKernel() {
  const iopub = new Emitter<KernelMessage>();
  const sent: { msgType: string; content: Record<string, unknown> }[] = [];
  const kernel = {
    onIOPub: iopub.event,
    onStatus: new Emitter<string>().event,
    claimOutputs: () => undefined,
    sendMessage: (_channel: string, msgType: string, content: Record<string, unknown>) => {
      sent.push({ msgType, content });
      return `m${sent.length}`;
    },
  };
  let n = 0;
  const open = (commId: string, state: Record<string, unknown>) =>
    iopub.fire({ channel: 'iopub', header: { msg_type: 'comm_open', msg_id: `k${++n}` }, parent_header: {}, metadata: { version: '2.1.0' }, content: { comm_id: commId, target_name: 'jupyter.widget', data: { state, buffer_paths: [] } }, buffers: [] } as unknown as KernelMessage);
  return { kernel: kernel as unknown as KernelConnection, open, sent };
}

const controls = { _model_module: '@jupyter-widgets/controls', _model_module_version: '2.0.0', _view_module: '@jupyter-widgets/controls', _view_module_version: '2.0.0' };

describe('saved widget state', () => {
  it("a Password widget's value is never in the saved state, set by the kernel or typed in the front end; the live view keeps it", () => {
    const { kernel, open } = fakeKernel();
    const widgets = new WidgetModels(kernel);
    try {
      open('pw', { ...controls, _model_name: 'PasswordModel', _view_name: 'PasswordView', value: 'hunter2', description: 'Password:', placeholder: 'secret' });
      open('name', { ...controls, _model_name: 'TextModel', _view_name: 'TextView', value: 'Ada', description: 'Name:' });
      let saved = widgets.snapshot().state;
      assert.equal(saved.pw.model_name, 'PasswordModel');
      assert.ok(!('value' in saved.pw.state), `no value saved for the Password widget: ${JSON.stringify(saved.pw.state)}`);
      assert.equal(saved.pw.state.description, 'Password:', 'the rest of its state is saved');
      assert.equal(saved.pw.state.placeholder, 'secret');
      assert.equal(saved.name.state.value, 'Ada', 'other widgets keep their value');

      widgets.send('pw', { method: 'update', state: { value: 'typed in the box' }, buffer_paths: [] });
      saved = widgets.snapshot().state;
      assert.ok(!('value' in saved.pw.state), 'a value typed in the front end is not saved either');
      assert.ok(!JSON.stringify(widgets.snapshot()).includes('typed in the box'), 'nowhere in the document');
      assert.ok(!JSON.stringify(widgets.snapshot()).includes('hunter2'));

      const live = widgets.replay().find((m) => m.commId === 'pw');
      assert.ok(live?.kind === 'open');
      assert.equal((live.data.state as Record<string, unknown>).value, 'typed in the box', 'the renderer still gets the live value');
      assert.equal(widgets.get('pw')?.state.value, 'typed in the box', 'our copy of the model is unchanged');
    } finally {
      widgets.dispose();
    }
  });

  it('the saved state without the value reads back as a Password model (a view of it shows an empty box)', () => {
    const { kernel, open } = fakeKernel();
    const widgets = new WidgetModels(kernel);
    try {
      open('pw', { ...controls, _model_name: 'PasswordModel', _view_name: 'PasswordView', value: 'hunter2' });
      const back = modelsOfDocument(JSON.parse(JSON.stringify(widgets.snapshot())));
      assert.equal(back.get('pw')?.name, 'PasswordModel');
      assert.equal(back.get('pw')?.state.value, undefined);
      assert.equal(back.get('pw')?.state._view_name, 'PasswordView');
    } finally {
      widgets.dispose();
    }
  });
});
