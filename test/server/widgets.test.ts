// Widget models against a real ipykernel with ipywidgets 8 and tqdm (today's stack): the comm bridge
// both ways with binary buffers, the Output widget's capture, state replay to a late renderer, the
// kernel's own account of its widgets (control comm), and the saved state document.
import assert from 'node:assert/strict';
import { shutdownKernel, startKernel } from '../../src/core/api';
import { HttpSession } from '../../src/core/http';
import { KernelConnection, NotebookOutputs } from '../../src/core/kernel';
import { CommMessage, JsonRecord, WidgetModel, WidgetModels, modelsOfDocument, openMessages } from '../../src/core/widgets';
import { RunningJupyter, startJupyter } from './fixtures/jupyter';
import { describeOnStack } from './fixtures/stack';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

describeOnStack('current', 'widget models with ipywidgets 8 on a real kernel', function () {
  this.timeout(120000);
  let server: RunningJupyter;
  let session: HttpSession;
  let kernelId: string;
  let conn: KernelConnection;
  let widgets: WidgetModels;
  let messages: CommMessage[];
  const nb = new NotebookOutputs();

  /** Runs code; its cell's outputs as plain text (stdout and results). */
  const run = async (code: string): Promise<string> => {
    const cell = nb.cell();
    const r = await conn.execute(code, { outputs: cell }).done;
    const text = cell.toJSON().map((o) => (o.output_type === 'stream' ? o.text : o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : JSON.stringify(o.data?.['text/plain'] ?? ''))).join('');
    assert.equal(r.status, 'ok', text);
    return text;
  };
  const byName = (name: string) => modelsNamed(widgets, name);
  const until = async <T>(what: string, fn: () => T | undefined, ms = 10000): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const v = fn();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  before(async () => {
    server = await startJupyter({ flavor: 'server' });
    session = new HttpSession({ baseUrl: server.url, credentials: { token: server.token } });
    kernelId = (await startKernel(session, 'python3')).id;
    conn = await KernelConnection.connect({ session, kernelId });
    widgets = new WidgetModels(conn);
    messages = [];
    widgets.onMessage((m) => messages.push(m));
  });
  after(async () => {
    widgets?.dispose();
    await conn?.dispose();
    if (kernelId) await shutdownKernel(session, kernelId);
    await session?.close();
    await server?.stop();
  });

  it('an IntSlider arrives as models (slider, layout, style), replayed references first', async () => {
    assert.equal(await run('import ipywidgets as w\ns = w.IntSlider(value=3, min=0, max=10)\ns'), JSON.stringify('IntSlider(value=3, max=10)'));
    const [slider] = byName('IntSliderModel');
    assert.ok(slider, 'the slider model');
    assert.equal(slider.state.value, 3);
    assert.equal(slider.module, '@jupyter-widgets/controls');
    const layout = String(slider.state.layout).replace('IPY_MODEL_', '');
    assert.equal(widgets.get(layout)?.name, 'LayoutModel');
    const order = widgets.replay().map((m) => m.commId);
    assert.ok(order.indexOf(layout) < order.indexOf(slider.id), 'the layout is opened before the slider that refers to it');
    const opened = messages.find((m) => m.kind === 'open' && m.commId === slider.id);
    assert.ok(opened?.kind === 'open', 'the renderer is told of the new model');
    assert.match(String(opened.metadata.version), /^2\./, 'with the widget protocol version the manager checks');
  });

  it('a value set in the front end reaches the kernel, and an observe callback prints into an Output widget, not a cell', async () => {
    await run(["out = w.Output()", "def moved(change):", "    with out:", "        print(f'moved to {change.new}')", "s.observe(moved, names='value')", 'out'].join('\n'));
    const [slider] = byName('IntSliderModel');
    const [output] = byName('OutputModel');
    widgets.send(slider.id, { method: 'update', state: { value: 7 }, buffer_paths: [] });
    await until('the Output widget to show the print', () => JSON.stringify(output.state.outputs).includes('moved to 7'));
    assert.deepEqual(output.state.outputs, [{ output_type: 'stream', name: 'stdout', text: 'moved to 7\n' }]);
    assert.equal(slider.state.value, 7, 'our copy follows the front end');
    assert.equal(await run('print(s.value, len(out.outputs), out.outputs[0]["text"])'), '7 1 moved to 7\n\n', "the kernel's variable and its copy of the captured output");
  });

  it('`with out:` in a cell captures its prints; what is outside stays in the cell', async () => {
    const text = await run("out2 = w.Output()\ndisplay(out2)\nwith out2:\n    print('inside')\nprint('outside')");
    assert.ok(text.includes('outside') && !text.includes('inside'), text);
    const out2 = byName('OutputModel').find((m) => JSON.stringify(m.state.outputs).includes('inside'));
    assert.deepEqual(out2?.state.outputs, [{ output_type: 'stream', name: 'stdout', text: 'inside\n' }]);
  });

  it('binary buffers both ways: an Image widget\'s bytes arrive at their path; bytes sent back reach the kernel', async () => {
    await run(`img = w.Image(value=bytes.fromhex('${PNG.toString('hex')}'), format='png')`);
    const [image] = byName('ImageModel');
    assert.deepEqual(image.buffers.map((b) => [b.path, b.data.equals(PNG)]), [[['value'], true]]);
    const replayed = widgets.replay().find((m) => m.commId === image.id);
    assert.ok(replayed?.kind === 'open' && replayed.buffers[0].equals(PNG) && JSON.stringify((replayed.data as JsonRecord).buffer_paths) === '[["value"]]');
    const back = Buffer.from([0, 1, 2, 253, 254, 255]);
    widgets.send(image.id, { method: 'update', state: {}, buffer_paths: [['value']] }, [back]);
    assert.equal(await run('print(list(img.value))'), '[0, 1, 2, 253, 254, 255]\n');
  });

  it('tqdm.notebook over 200 steps ends with its bar at 200 and "200/200"', async () => {
    await run('from tqdm.notebook import tqdm\nfor _ in tqdm(range(200)):\n    pass');
    const bar = byName('FloatProgressModel').at(-1);
    assert.equal(bar?.state.value, 200);
    assert.equal(bar?.state.max, 200);
    const labels = byName('HTMLModel').map((m) => String(m.state.value));
    assert.ok(labels.some((l) => l.includes('200/200')), labels.join(' | '));
  });

  it('a late listener gets the same models from the kernel itself (ipywidgets 8 control comm), and the saved state document', async () => {
    const late = new WidgetModels(conn); // as after a window reload: nothing seen yet
    try {
      const count = await late.requestStates();
      assert.ok(count >= widgets.size - 1, `${count} of ${widgets.size}`);
      const [slider] = modelsNamed(late, 'IntSliderModel');
      assert.equal(slider.state.value, 7);
      const image = modelsNamed(late, 'ImageModel')[0];
      assert.ok(image.buffers[0]?.data.equals(Buffer.from([0, 1, 2, 253, 254, 255])), 'buffers come with the states');
    } finally {
      late.dispose();
      widgets = new WidgetModels(conn); // claimOutputs has one claimant: the test's own again
      await widgets.requestStates();
    }
    const doc = widgets.snapshot();
    assert.deepEqual([doc.version_major, doc.version_minor], [2, 0]);
    const entry = Object.values(doc.state).find((e) => e.model_name === 'ImageModel');
    assert.deepEqual(entry?.buffers, [{ path: ['value'], data: Buffer.from([0, 1, 2, 253, 254, 255]).toString('base64'), encoding: 'base64' }]);
    assert.ok(Object.values(doc.state).every((e) => e.model_module && e.model_module_version && e.state), 'every entry names its model and module');
    // Saved in a notebook and read back (JSON, as the file holds it): the same models, buffers included, in the same order.
    const fromFile = openMessages(modelsOfDocument(JSON.parse(JSON.stringify(doc))));
    assert.deepEqual(fromFile, widgets.replay());
  });

  it('a kernel restart drops every model and tells the renderer each one closed; new widgets come after it', async () => {
    const before = widgets.size;
    assert.ok(before > 0);
    const closed: string[] = [];
    const settled: string[] = [];
    const sub = widgets.onMessage((m) => (m.kind === 'close' ? closed.push(m.commId) : undefined));
    const settledSub = widgets.onSettled((id) => settled.push(id));
    try {
      // A change queued behind a long cell: the restart ends the kernel before it is handled.
      const slider = modelsNamed(widgets, 'IntSliderModel')[0];
      const busy = conn.execute('import time; time.sleep(30)', { outputs: nb.cell() }).done;
      const queued = widgets.send(slider.id, { method: 'update', state: { value: 9 }, buffer_paths: [] });
      assert.equal(widgets.unsettled, 1);
      await conn.restart();
      await busy.catch(() => undefined);
      assert.equal(widgets.size, 0, 'no model survives the restart');
      assert.equal(closed.length, before, 'a close for each');
      assert.deepEqual(settled, [queued], 'the change the old kernel never handled is settled, not kept');
      assert.equal(widgets.unsettled, 0);
      await run('import ipywidgets as w\ns = w.IntSlider(value=7)');
      assert.equal(modelsNamed(widgets, 'IntSliderModel')[0]?.state.value, 7);
    } finally {
      sub.dispose();
      settledSub.dispose();
    }
  });
});

function modelsNamed(widgets: WidgetModels, name: string): WidgetModel[] {
  return widgets.replay().map((m) => widgets.get(m.commId)!).filter((m) => m.name === name);
}
