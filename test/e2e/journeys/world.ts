// What the journeys share: the World they run in (the servers, the workspace's notebooks, the workbench),
// what a journey is, and the steps journeys of several capabilities take.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CodeServer } from '../../../scripts/code-server.mjs';
import { makeSelfSignedCert } from '../../server/fixtures/certs';
import { listServers, RunningJupyter, startJupyter } from '../../server/fixtures/jupyter';
import { until, type Workbench } from '../workbench';

/** What a journey reports as it goes: the step it is at, and figures worth keeping. */
export interface Steps {
  step(name: string): void;
  note(text: string): void;
  /** Saves the screen as it is now beside the journey's end state (test-results/e2e/NN-slug-label.png). */
  screenshot(label: string): Promise<void>;
}

export interface Journey {
  id: number;
  slug: string;
  name: string;
  /** Journeys that set up what this one uses (run first when only this one is asked for). */
  needs?: number[];
  run(world: World, t: Steps): Promise<void>;
}

/** A notebook file of code cells. */
export function notebookJson(cells: string[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' }, language_info: { name: 'python' } },
    cells: cells.map((source, i) => ({ cell_type: 'code', id: `c${i}`, metadata: {}, source, outputs: [], execution_count: null })),
  }, null, 1);
}

const PROJECT_DATA = 'city,temp\nOslo,4\nLima,19\n';
export const LOCAL_DATA = 'from,my laptop\n1,2\n';

/** Lines the continuity notebook's first cell prints, 0.2 s apart (8 s). */
export const CONTINUITY_LINES = 40;

export class World {
  readonly workspace: string;
  /** a, b, password, tls: Debian's stack; today: `jupyter lab` of today's stack (jupyter_server 2.21, ipykernel 7.4). */
  servers: Record<'a' | 'b' | 'password' | 'tls' | 'today', RunningJupyter> = {} as never;
  tlsFingerprint = '';
  private wbRef?: Workbench;
  private codeServer?: CodeServer;
  private load?: () => Promise<unknown>;

  constructor(
    readonly tmp: string,
    readonly root: string,
    /** Installs a .vsix into this run's code-server (it shows after a window reload). */
    readonly installExtension: (vsix: string) => void = () => {
      throw new Error('no code-server to install into');
    },
  ) {
    this.workspace = path.join(tmp, 'workspace');
  }

  /** The text of the extension's log files (its LogOutputChannel, one per window) under code-server's logs folder. */
  extensionLog(dir = path.join(this.tmp, 'code-server', 'user-data', 'logs')): string {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return '';
    }
    return entries.map((e) => (e.isDirectory() ? this.extensionLog(path.join(dir, e.name)) : e.name === 'Jupyter Remote.log' ? readFileSync(path.join(dir, e.name), 'utf8') : '')).join('');
  }

  get wb(): Workbench {
    if (!this.wbRef) throw new Error('no workbench');
    return this.wbRef;
  }

  bind(wb: Workbench, codeServer: CodeServer, load: () => Promise<unknown>): void {
    this.wbRef = wb;
    this.codeServer = codeServer;
    this.load = load;
  }

  /** Loads (or reloads) the workbench and waits until it is ready for keystrokes. */
  async open(): Promise<void> {
    await this.load!();
    await this.wb.waitForWorkbench();
    await this.wb.focus();
  }

  /**
   * A folder with `serveronly_pkg`, importable only by the Python of the server it is given to (on its
   * PYTHONPATH): what a package installed there and nowhere else looks like to a language server.
   */
  private serverOnlyPackages(): string {
    const site = path.join(this.tmp, 'server-site');
    mkdirSync(path.join(site, 'serveronly_pkg'), { recursive: true });
    writeFileSync(path.join(site, 'serveronly_pkg', '__init__.py'), 'def shout(text: str) -> str:\n    """Shout TEXT back, louder."""\n    return text.upper()\n');
    return site;
  }

  async startServers(): Promise<void> {
    mkdirSync(this.workspace, { recursive: true });
    const cert = makeSelfSignedCert();
    this.tlsFingerprint = cert.fingerprint;
    const [a, b, password, tls, today] = await Promise.all([
      startJupyter({ flavor: 'server' }),
      startJupyter({ flavor: 'notebook', extraArgs: ['--debug'] }), // --debug: every request is logged (journey 8)
      startJupyter({ flavor: 'server', token: '', password: 'correct horse battery' }),
      // On 127.0.0.2: VS Code treats 127.0.0.1 and localhost specially in its proxy support, a remote host not.
      startJupyter({ flavor: 'server', ip: '127.0.0.2', certfile: cert.certfile, keyfile: cert.keyfile }),
      // --debug: every request is logged (journey 12). PYTHONPATH: a package only the server's Python has (journeys 29-31).
      startJupyter({ flavor: 'lab', stack: 'current', extraArgs: ['--debug'], env: { PYTHONPATH: this.serverOnlyPackages() } }),
    ]);
    this.servers = { a, b, password, tls, today };
    // A kernel type on today's server whose kernels have no debugger (debugpy left out, as where it is
    // not installed) and whose spec does not claim one: journey 27. Not named "Python 3…", which other
    // journeys pick.
    const noDebugger = path.join(today.home, 'data', 'kernels', 'no-debugger');
    mkdirSync(path.join(noDebugger, 'without-debugpy', 'debugpy'), { recursive: true });
    writeFileSync(path.join(noDebugger, 'without-debugpy', 'debugpy', '__init__.py'), "raise ImportError('debugpy is left out of this kernel')\n");
    writeFileSync(path.join(noDebugger, 'kernel.json'), JSON.stringify({
      argv: ['python', '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
      display_name: 'Without a Debugger',
      language: 'python',
      metadata: {},
      env: { PYTHONPATH: path.join(noDebugger, 'without-debugpy') },
    }));
    const write = (name: string, cells: string[]) => writeFileSync(path.join(this.workspace, name), notebookJson(cells));
    write('hello.ipynb', ["import os\nprint('hello from', os.getcwd())"]);
    write('hello-today.ipynb', ["import os, ipykernel\nprint('hello from', os.getcwd(), 'on ipykernel', ipykernel.__version__)"]);
    write('second.ipynb', ["import os\nprint('second server at', os.getcwd())"]);
    write('password.ipynb', ["print('behind a password:', 6 * 7)"]);
    write('rich.ipynb', [
      [
        'import zlib, struct, time',
        'from IPython.display import Image, HTML, display, clear_output',
        'def png(w, h):',
        "    rows = b''.join(b'\\x00' + bytes(c for x in range(w) for c in (x * 255 // w, y * 255 // h, 160)) for y in range(h))",
        "    chunk = lambda t, d: struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))",
        "    return b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b'')",
        'Image(data=png(64, 48))',
      ].join('\n'),
      "HTML('<table id=\"squares\"><tr><th>n</th><th>n squared</th></tr>' + ''.join(f'<tr><td>{i}</td><td>{i*i}</td></tr>' for i in range(5)) + '</table>')",
      "h = display('step 0 of 3', display_id=True)\nfor step in range(1, 4):\n    time.sleep(0.1)\n    h.update(f'step {step} of 3')",
      "for pct in range(0, 101, 20):\n    clear_output(wait=True)\n    print(f'progress {pct}%')\n    time.sleep(0.05)",
      'def inner():\n    return 1 / 0\ninner()',
    ]);
    write('input.ipynb', ["name = input('What is your name?')\nprint(f'hello, {name}!')"]);
    write('sleep.ipynb', ['import time\ntime.sleep(60)', "print('count after restart')"]);
    write('tls.ipynb', ["import ssl\nprint('over TLS:', 2 ** 10)"]);
    write('big.ipynb', ["for i in range(100000):\n    print(f'line {i}')"]);
    writeFileSync(path.join(this.workspace, 'local-data.csv'), LOCAL_DATA);
    write('continuity.ipynb', [
      `import time\nset_before_reload = 'kept'\nfor i in range(${CONTINUITY_LINES}):\n    print(f'line {i}', flush=True)\n    time.sleep(0.2)`,
      "print('after the reload:', set_before_reload)",
    ]);
    write('completions.ipynb', ["globals()['dyn_' + 'name_' + str(6*7)] = 1\ndef documented(x, y=2):\n    \"\"\"Adds one to x, politely.\"\"\"\n    return x + 1", '']);
    write('leftover.ipynb', ["left_here = 'yes'\nprint('ran before the window closed')"]);
    write('widgets-beside.ipynb', ["import ipywidgets as w\nw.IntSlider(value=7, description='beside')"]);
    write('widgets.ipynb', [
      "import ipywidgets as w\ns = w.IntSlider(value=3, min=0, max=10, description='n')\ns",
      "print('slider at', s.value)",
      'from tqdm.notebook import tqdm\nimport time\nfor _ in tqdm(range(200)):\n    time.sleep(0.015)',
      "out = w.Output()\nwith out:\n    print('captured by the Output widget')\nout",
      // Widgets of packages Jupyter Remote does not carry: a model's code, and a view's code (its model is ipywidgets' own).
      "from traitlets import Unicode\nclass Dial(w.DOMWidget):\n    _model_module = Unicode('acme-dials').tag(sync=True)\n    _view_module = Unicode('acme-dials').tag(sync=True)\n    _model_module_version = Unicode('^1.2.0').tag(sync=True)\n    _view_module_version = Unicode('^1.2.0').tag(sync=True)\n    _model_name = Unicode('DialModel').tag(sync=True)\n    _view_name = Unicode('DialView').tag(sync=True)\nclass Gauge(w.DOMWidget):\n    _view_module = Unicode('acme-gauges').tag(sync=True)\n    _view_module_version = Unicode('^0.3.0').tag(sync=True)\n    _view_name = Unicode('GaugeView').tag(sync=True)\ndisplay(Dial(), Gauge())",
      "from ipywidgets import interact\n@interact(x=(0, 10))\ndef square(x=5):\n    print('x squared is', x * x)",
    ]);
    // A project that lives on today's server, next to its data, with a folder of 5 000 files.
    const project = path.join(today.rootDir, 'project');
    mkdirSync(path.join(project, 'many'), { recursive: true });
    writeFileSync(path.join(project, 'data.csv'), PROJECT_DATA);
    writeFileSync(path.join(project, 'analysis.ipynb'), notebookJson(["open('data.csv').read()", "open('results.txt', 'w').write('written by the kernel')", '# notes']));
    for (let i = 0; i < 5000; i++) writeFileSync(path.join(project, 'many', `f${String(i).padStart(4, '0')}.txt`), `${i}\n`);
  }

  async stopServers(): Promise<void> {
    await Promise.all(Object.values(this.servers).map((s) => s.stop()));
  }

  /** `jupyter server list` as printed on the server's machine, for several servers in one paste. */
  async serverListOf(...servers: RunningJupyter[]): Promise<string> {
    const lines = ['Currently running servers:'];
    for (const s of servers) {
      const { stdout } = await listServers(s);
      lines.push(...stdout.split('\n').filter((l) => l.includes('://')));
    }
    return lines.join('\n');
  }

  get code(): CodeServer {
    return this.codeServer!;
  }
}

export async function runAll(world: World): Promise<void> {
  await world.wb.runCommand('Notebook: Run All');
}

/** Writes a notebook of code cells into the local workspace folder, opens it and picks Python 3 on Lab Today. */
export async function openLocalNotebook(world: World, t: Steps, name: string, cells: string[]): Promise<void> {
  const { wb } = world;
  writeFileSync(path.join(world.workspace, name), notebookJson(cells));
  t.step(`open ${name} from the Explorer, pick Python 3 on Lab Today`);
  // From the Explorer: it shows the new file as soon as it is written, where Quick Open may still search
  // the workspace as it was when it last looked.
  await openFromExplorer(world, name);
  await wb.selectKernel(/^Python 3/, 'Lab Today');
}

/** Opens a notebook by a double click on its row in the Explorer (unfolding `root` first when given), and waits for its cells. */
export async function openFromExplorer(world: World, name: string, root?: string): Promise<void> {
  const { wb } = world;
  await wb.showExplorer();
  await until(`${name} in the Explorer`, async () => {
    const folded = wb.page.locator('.explorer-folders-view .monaco-list-row[aria-expanded="false"]').filter({ hasText: root ?? /^$/ });
    if (root && (await folded.count())) await folded.first().click({ timeout: 2000 }).catch(() => undefined);
    return (await wb.explorerRows()).some((r) => r.label === name);
  }, 30000, 250);
  await wb.explorerRow(name).dblclick();
  await until(`the ${name} tab in front`, async () => (await wb.activeTab()) === name, 30000, 50);
  await wb.notebook.locator('.code-cell-row').first().waitFor({ state: 'visible', timeout: 30000 });
}
