import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseSpawnForm } from '../../../src/core/api/hub-spawn-form';
import { describeUserOptions, looksSecret, SpawnOptionsError, userOptionsFor } from '../../../src/core/api/hub-user-options';
import type { SpawnForm, SpawnProfile } from '../../../src/core/api/hub-spawn-form';

const fixture = (name: string) => readFileSync(path.join(__dirname, '../../fixtures/hub-forms', `${name}.html`), 'utf8');

/** A Hub 3 spawn page around an options form, as spawn.html wraps it (the fixtures have the whole page). */
const page = (optionsForm: string) => `<!DOCTYPE HTML><html><head><title>JupyterHub</title></head><body><div class="container">
<form enctype="multipart/form-data" id="spawn_form" action="/hub/spawn/alice" method="post" role="form">
${optionsForm}
<br><div class="feedback-container"><input type="submit" value="Start" class="btn btn-jupyter form-control"></div>
</form></div></body></html>`;

/** One profile as KubeSpawner 7's form.html lays it out. */
const kubeProfile = (slug: string, name: string, inner = '', checked = false) => `
<label for="profile-item-${slug}" class="profile js-profile-label">
  <div class="radio"><input type="radio" name="profile" id="profile-item-${slug}" value="${slug}" ${checked ? 'checked' : ''} /></div>
  <div><h3>${name}</h3>${inner}</div>
</label>`;
const kubeList = (profiles: string) => page(`<div class="form-group" id="kubespawner-profiles-list">${profiles}</div>`);

const image = (unlisted: boolean) => ({
  key: 'image',
  label: 'Image',
  kind: 'choice' as const,
  choices: [
    { value: 'pytorch-2.4', label: 'PyTorch 2.4 (CUDA 12.4)', isDefault: true },
    { value: 'pytorch-2.3', label: 'PyTorch 2.3 (CUDA 12.1)', isDefault: false },
  ],
  defaultValue: 'pytorch-2.4',
  ...(unlisted ? { unlisted: { label: 'Image name', hint: 'An image name with a tag, such as pytorch/pytorch:2.4.0' } } : {}),
});

const kubeProfiles = (defaultSlug: string, unlisted: boolean): SpawnProfile[] => [
  { slug: 'small-cpu', label: 'Small CPU', isDefault: defaultSlug === 'small-cpu', options: [] },
  {
    slug: 'gpu-pytorch',
    label: '1 GPU, PyTorch',
    description: 'One NVIDIA T4 GPU, 4 CPUs and 16 GB of memory.',
    isDefault: defaultSlug === 'gpu-pytorch',
    options: [image(unlisted)],
  },
  {
    slug: 'large-memory',
    label: 'Large memory',
    // The link's markup is gone; its text stays.
    description: '64 GB of memory and 8 CPUs, for data that does not fit elsewhere. Read the guide before you use it.',
    isDefault: false,
    options: [],
  },
];

const KUBE_7: SpawnForm = { kind: 'profiles', spawner: 'kubespawner', profiles: kubeProfiles('small-cpu', true) };
const KUBE_6: SpawnForm = { kind: 'profiles', spawner: 'kubespawner', profiles: kubeProfiles('small-cpu', false) };
const PROFILES: SpawnForm = {
  kind: 'profiles',
  spawner: 'profilesspawner',
  profiles: [
    { slug: 'local', label: 'Local server', isDefault: true, options: [] },
    { slug: 'slurm-gpu', label: 'Slurm: 1 GPU, 4 hours', isDefault: false, options: [] },
    { slug: 'slurm-cpu', label: 'Slurm: 16 CPUs, 12 hours', isDefault: false, options: [] },
  ],
};
const GENERIC: SpawnForm = {
  kind: 'generic',
  options: [
    {
      key: 'partition',
      label: 'Partition',
      kind: 'choice',
      choices: [
        { value: 'short', label: 'Short (up to 4 hours)', isDefault: false },
        { value: 'long', label: 'Long (up to 3 days)', isDefault: true },
        { value: 'gpu', label: 'GPU', isDefault: false },
      ],
      defaultValue: 'long',
    },
    { key: 'cores', label: 'CPU cores', kind: 'number', choices: [], defaultValue: '4' },
    { key: 'memory', label: 'Memory', kind: 'text', choices: [], defaultValue: '8G' },
    { key: 'account', label: 'Project account', kind: 'text', choices: [], defaultValue: '' },
    {
      key: 'ui',
      label: 'Interface',
      kind: 'choice',
      choices: [
        { value: 'lab', label: 'JupyterLab', isDefault: true },
        { value: 'notebook', label: 'Classic Notebook', isDefault: false },
        { value: 'terminal', label: 'Terminal only', isDefault: false },
      ],
      defaultValue: 'lab',
    },
    { key: 'scratch', label: 'Mount the scratch file system', kind: 'checkbox', choices: [{ value: 'yes', label: 'Mount the scratch file system', isDefault: false }], defaultValue: false },
    { key: 'env', label: 'Environment variables (one NAME=value a line)', kind: 'text', choices: [], defaultValue: 'OMP_NUM_THREADS=4' },
  ],
  fixed: { form_version: '2' },
};

const unreadable = (form: SpawnForm): string => {
  assert.equal(form.kind, 'unreadable', JSON.stringify(form));
  return form.kind === 'unreadable' ? form.reason : '';
};

describe('parseSpawnForm: the fixtures', () => {
  it("KubeSpawner 7.1's profile_list: names, descriptions as text, the default, the image option with its free-text choice", () => {
    assert.deepEqual(parseSpawnForm(fixture('kubespawner-7.1')), KUBE_7);
  });

  it('KubeSpawner 7.1 pre-selects the profile a server was last started with', () => {
    assert.deepEqual(parseSpawnForm(fixture('kubespawner-7.1-last-options')), { ...KUBE_7, profiles: kubeProfiles('gpu-pytorch', true) });
  });

  it("KubeSpawner 6.0's form (option fields named profile-option-SLUG-KEY, no free text)", () => {
    assert.deepEqual(parseSpawnForm(fixture('kubespawner-6.0')), KUBE_6);
  });

  it("wrapspawner's ProfilesSpawner: the profile list, the first one selected", () => {
    assert.deepEqual(parseSpawnForm(fixture('profilesspawner')), PROFILES);
  });

  it('a generic form: every kind of field, its label and default, hidden fields kept apart', () => {
    assert.deepEqual(parseSpawnForm(fixture('generic')), GENERIC);
  });

  it('a form built by a script in the browser is unreadable, with the reason', () => {
    assert.equal(unreadable(parseSpawnForm(fixture('scripted'))), 'The spawn form has no fields in the page: a script builds it in the browser.');
  });

  it("the Hub's login page (where Hub 3 sends a token) has no spawn form", () => {
    assert.deepEqual(parseSpawnForm(fixture('login')), { kind: 'none' });
  });
});

describe('userOptionsFor: the user_options of a REST start, per spawner', () => {
  it('KubeSpawner: the profile and each of its options, as a browser submits them', () => {
    assert.deepEqual(userOptionsFor(KUBE_7, { profile: 'small-cpu' }), { profile: 'small-cpu' });
    // The option's default is sent too, as the browser would.
    assert.deepEqual(userOptionsFor(KUBE_7, { profile: 'gpu-pytorch' }), { profile: 'gpu-pytorch', image: 'pytorch-2.4' });
    assert.deepEqual(userOptionsFor(KUBE_7, { profile: 'gpu-pytorch', options: { image: 'pytorch-2.3' } }), { profile: 'gpu-pytorch', image: 'pytorch-2.3' });
    assert.deepEqual(userOptionsFor(KUBE_6, { profile: 'gpu-pytorch', options: { image: 'pytorch-2.3' } }), { profile: 'gpu-pytorch', image: 'pytorch-2.3' });
  });

  it("KubeSpawner: a free-text choice is KEY--unlisted-choice, in place of KEY", () => {
    assert.deepEqual(userOptionsFor(KUBE_7, { profile: 'gpu-pytorch', unlisted: { image: 'pytorch/pytorch:2.5.0' } }), {
      profile: 'gpu-pytorch',
      'image--unlisted-choice': 'pytorch/pytorch:2.5.0',
    });
  });

  it("nothing picked is {}: the spawner's default profile", () => {
    for (const form of [KUBE_7, KUBE_6, PROFILES]) assert.deepEqual(userOptionsFor(form, {}), {});
  });

  it("KubeSpawner: what the form does not offer is refused in one sentence", () => {
    const refusals: Array<[SpawnForm, Parameters<typeof userOptionsFor>[1], RegExp]> = [
      [KUBE_7, { profile: 'huge' }, /^The Hub offers no profile "huge": choose one of "small-cpu", "gpu-pytorch", "large-memory"\.$/],
      [KUBE_7, { profile: 'gpu-pytorch', options: { image: 'tensorflow' } }, /no choice "tensorflow": choose one of "pytorch-2.4", "pytorch-2.3"\.$/],
      [KUBE_7, { profile: 'small-cpu', options: { image: 'pytorch-2.4' } }, /^The profile "small-cpu" has no option "image" \(it has none\)\.$/],
      [KUBE_7, { profile: 'gpu-pytorch', options: { gpus: '2' } }, /has no option "gpus" \(it has "image"\)/],
      [KUBE_7, { options: { image: 'pytorch-2.3' } }, /^Name the profile these options are for/],
      [KUBE_7, { profile: 'gpu-pytorch', options: { image: 'pytorch-2.3' }, unlisted: { image: 'x:1' } }, /either a choice or a value of your own, not both/],
      [KUBE_7, { profile: 'gpu-pytorch', unlisted: { image: '  ' } }, /is empty/],
      [KUBE_7, { profile: 'gpu-pytorch', options: { image: true } }, /no choice "true"/],
      [KUBE_6, { profile: 'gpu-pytorch', unlisted: { image: 'x:1' } }, /takes no value of your own: choose one of "pytorch-2.4", "pytorch-2.3"\.$/],
    ];
    for (const [form, pick, message] of refusals) {
      assert.throws(() => userOptionsFor(form, pick), (e: unknown) => e instanceof SpawnOptionsError && message.test(e.message), JSON.stringify(pick));
    }
  });

  it('KubeSpawner: an option with no choices but free text needs the text', () => {
    const form = parseSpawnForm(
      kubeList(
        kubeProfile(
          'custom',
          'Custom image',
          `<div class="js-options-container"><label for="o">Image</label>
           <select name="profile-option-custom--image" id="o"><option value="unlisted-choice">Other...</option></select>
           <input data-name="profile-option-custom--image--unlisted-choice" id="t"></div>`,
          true,
        ),
      ),
    );
    assert.deepEqual(form, {
      kind: 'profiles',
      spawner: 'kubespawner',
      profiles: [{ slug: 'custom', label: 'Custom image', isDefault: true, options: [{ key: 'image', label: 'Image', kind: 'choice', choices: [], unlisted: { label: 'Other...' } }] }],
    });
    assert.throws(() => userOptionsFor(form, { profile: 'custom' }), /needs a value of your own: it has no choices/);
    assert.deepEqual(userOptionsFor(form, { profile: 'custom', unlisted: { image: 'a/b:1' } }), { profile: 'custom', 'image--unlisted-choice': 'a/b:1' });
  });

  it('ProfilesSpawner: {"profile": KEY}; an unknown key is refused (the spawner would start with whatever it had)', () => {
    assert.deepEqual(userOptionsFor(PROFILES, { profile: 'slurm-gpu' }), { profile: 'slurm-gpu' });
    assert.throws(() => userOptionsFor(PROFILES, { profile: 'gpu' }), /^SpawnOptionsError: The Hub offers no profile "gpu": choose one of "local", "slurm-gpu", "slurm-cpu"\.$/);
    assert.throws(() => userOptionsFor(PROFILES, { profile: 'slurm-gpu', options: { walltime: '4' } }), /has no option "walltime" \(it has none\)/);
  });

  it('a generic form, as values (the default): every field, numbers as numbers, checkboxes as booleans, hidden fields as they are', () => {
    assert.deepEqual(userOptionsFor(GENERIC, {}), { form_version: '2', partition: 'long', cores: 4, memory: '8G', account: '', ui: 'lab', scratch: false, env: 'OMP_NUM_THREADS=4' });
    assert.deepEqual(userOptionsFor(GENERIC, { options: { partition: 'gpu', cores: '16', scratch: true, account: 'proj-42', ui: 'terminal' } }), {
      form_version: '2',
      partition: 'gpu',
      cores: 16,
      memory: '8G',
      account: 'proj-42',
      ui: 'terminal',
      scratch: true,
      env: 'OMP_NUM_THREADS=4',
    });
    // The command line gives every value as text.
    assert.equal(userOptionsFor(GENERIC, { options: { scratch: 'yes' } }).scratch, true);
    assert.equal(userOptionsFor(GENERIC, { options: { scratch: 'false' } }).scratch, false);
    assert.equal('cores' in userOptionsFor(GENERIC, { options: { cores: '' } }), false);
  });

  it("a generic form, as the Hub's default options_from_form passes form data: lists of strings, an unticked checkbox left out", () => {
    assert.deepEqual(userOptionsFor(GENERIC, {}, 'form-data'), {
      form_version: ['2'],
      partition: ['long'],
      cores: ['4'],
      memory: ['8G'],
      account: [''],
      ui: ['lab'],
      env: ['OMP_NUM_THREADS=4'],
    });
    assert.deepEqual(userOptionsFor(GENERIC, { options: { scratch: true } }, 'form-data').scratch, ['yes']);
  });

  it("DockerSpawner's image form reads as a generic form, and its user_options are {image: NAME}", () => {
    // What DockerSpawner 14 renders for allowed_images (it formats the Python list of options into the page).
    const docker = page(`<label for="image">Select an image:</label>
      <select class="form-control" name="image" required autofocus>
      ['<option value="quay.io/jupyter/base-notebook" selected>quay.io/jupyter/base-notebook</option>', '<option value="quay.io/jupyter/scipy-notebook" >quay.io/jupyter/scipy-notebook</option>']
      </select>`);
    const form = parseSpawnForm(docker);
    assert.deepEqual(form, {
      kind: 'generic',
      options: [
        {
          key: 'image',
          label: 'Select an image:',
          kind: 'choice',
          choices: [
            { value: 'quay.io/jupyter/base-notebook', label: 'quay.io/jupyter/base-notebook', isDefault: true },
            { value: 'quay.io/jupyter/scipy-notebook', label: 'quay.io/jupyter/scipy-notebook', isDefault: false },
          ],
          defaultValue: 'quay.io/jupyter/base-notebook',
        },
      ],
    });
    assert.deepEqual(userOptionsFor(form, { options: { image: 'quay.io/jupyter/scipy-notebook' } }), { image: 'quay.io/jupyter/scipy-notebook' });
  });

  it('a generic form refuses what it does not have', () => {
    assert.throws(() => userOptionsFor(GENERIC, { profile: 'gpu' }), /offers no profiles/);
    assert.throws(() => userOptionsFor(GENERIC, { options: { partition: 'huge' } }), /The field "partition" has no choice "huge": choose one of "short", "long", "gpu"\./);
    assert.throws(() => userOptionsFor(GENERIC, { options: { walltime: '4:00' } }), /has no field "walltime"/);
    assert.throws(() => userOptionsFor(GENERIC, { options: { cores: 'many' } }), /takes a number, not "many"/);
    assert.throws(() => userOptionsFor(GENERIC, { options: { scratch: 'maybe' } }), /is a checkbox: give true or false/);
    assert.throws(() => userOptionsFor(GENERIC, { options: { memory: true } }), /takes text, not true or false/);
    assert.throws(() => userOptionsFor(GENERIC, { unlisted: { memory: '1G' } }), /no free-text choices/);
  });

  it("without a readable form: KubeSpawner's shape (which ProfilesSpawner reads too), unchecked", () => {
    const pick = { profile: 'gpu-pytorch', options: { image: 'pytorch-2.3' }, unlisted: { tag: 'v2' } };
    const expected = { profile: 'gpu-pytorch', image: 'pytorch-2.3', 'tag--unlisted-choice': 'v2' };
    assert.deepEqual(userOptionsFor({ kind: 'none' }, pick), expected);
    assert.deepEqual(userOptionsFor({ kind: 'unreadable', reason: 'x' }, pick), expected);
    assert.deepEqual(userOptionsFor({ kind: 'none' }, {}), {});
  });
});

describe('describeUserOptions: one line for a person', () => {
  it('with the form: the names a person chose from', () => {
    assert.equal(describeUserOptions({ profile: 'gpu-pytorch', image: 'pytorch-2.3' }, KUBE_7), '1 GPU, PyTorch · Image: PyTorch 2.3 (CUDA 12.1)');
    assert.equal(describeUserOptions({ profile: 'gpu-pytorch', 'image--unlisted-choice': 'pytorch/pytorch:2.5.0' }, KUBE_7), '1 GPU, PyTorch · Image: pytorch/pytorch:2.5.0');
    assert.equal(describeUserOptions({ profile: 'small-cpu' }, KUBE_7), 'Small CPU');
    assert.equal(describeUserOptions({ profile: 'slurm-gpu' }, PROFILES), 'Slurm: 1 GPU, 4 hours');
    // The form's order, empty text left out, then what the form does not show.
    assert.equal(
      describeUserOptions(userOptionsFor(GENERIC, { options: { partition: 'gpu', scratch: true } }), GENERIC),
      'Partition: GPU · CPU cores: 4 · Memory: 8G · Interface: JupyterLab · Mount the scratch file system: yes · Environment variables (one NAME=value a line): OMP_NUM_THREADS=4 · form_version: 2',
    );
    assert.equal(
      describeUserOptions(userOptionsFor(GENERIC, { options: { ui: 'notebook', account: 'p1' } }, 'form-data'), GENERIC),
      'Partition: Long (up to 3 days) · CPU cores: 4 · Memory: 8G · Project account: p1 · Interface: Classic Notebook · Environment variables (one NAME=value a line): OMP_NUM_THREADS=4 · form_version: 2',
    );
  });

  it('without it (or for a profile it no longer has): the keys and values as they are', () => {
    assert.equal(describeUserOptions({ profile: 'gpu-pytorch', image: 'pytorch-2.4' }), 'gpu-pytorch · image: pytorch-2.4');
    assert.equal(describeUserOptions({ profile: 'retired', image: 'x' }, KUBE_7), 'retired · image: x');
    assert.equal(describeUserOptions({ 'image--unlisted-choice': 'a/b:1', cores: 4, gpu: true }), 'image: a/b:1 · cores: 4 · gpu: true');
    assert.equal(describeUserOptions({ partition: ['long'], nodes: ['a', 'b'] }), 'partition: long · nodes: a, b');
  });

  it("{} (and only nulls) is the Hub's defaults", () => {
    assert.equal(describeUserOptions({}), "the Hub's defaults");
    assert.equal(describeUserOptions({ profile: null }, KUBE_7), "the Hub's defaults");
  });

  it('values anyone could have set are shown as short plain text', () => {
    const line = describeUserOptions({ profile: '<img src=x onerror=alert(1)>\u202Egpu\n\n', env: { A: 'x'.repeat(500) }, note: 'y'.repeat(1000) });
    assert.ok(!/[\u202E\n]/.test(line), line);
    assert.ok(line.length <= 300, String(line.length));
    assert.match(line, /^<img src=x onerror=alert\(1\)> gpu · env: \{"A":"x+…/);
  });
});

describe('parseSpawnForm: hostile and odd pages', () => {
  it('labels and descriptions with markup come back as plain text, without scripts, controls or bidi overrides', () => {
    const form = parseSpawnForm(
      kubeList(
        kubeProfile(
          'gpu',
          '<img src=x onerror="alert(1)"><script>alert(2)</script><b>GPU</b> &lt;fast&gt;\u202E   \n  box',
          '<p>Line one<br>line <i>two</i><style>p{}</style><iframe src="https://evil.example"></iframe></p>',
          true,
        ),
      ),
    );
    assert.deepEqual(form, { kind: 'profiles', spawner: 'kubespawner', profiles: [{ slug: 'gpu', label: 'GPU <fast> box', description: 'Line one line two', isDefault: true, options: [] }] });
  });

  it('duplicated slugs, choices or fields are unreadable, never a pick between them', () => {
    assert.match(unreadable(parseSpawnForm(kubeList(kubeProfile('a', 'A') + kubeProfile('a', 'A again')))), /^Two profiles share the value "a"\.$/);
    assert.match(unreadable(parseSpawnForm(page('<select name="profile"><option value="x">X</option><option value="x">Y</option></select>'))), /Two profiles share/);
    const twoChoices = kubeProfile('g', 'G', '<label for="s">Image</label><select id="s" name="profile-option-g--image"><option value="a">A</option><option value="a">B</option></select>');
    assert.match(unreadable(parseSpawnForm(kubeList(twoChoices))), /Two choices of "image" share the value "a"/);
    assert.match(unreadable(parseSpawnForm(page('<input name="a"><input name="a">'))), /several fields named "a"/);
    assert.match(unreadable(parseSpawnForm(page('<select name="a"><option>1</option></select><input name="a">'))), /several fields named "a"/);
  });

  it("a profile list with a field of its own, half a free-text choice, or a profile without a name is unreadable", () => {
    assert.match(unreadable(parseSpawnForm(kubeList(kubeProfile('a', 'A', '<input name="quota">')))), /a field KubeSpawner's form does not have \("quota"\)/);
    assert.match(unreadable(parseSpawnForm(kubeList(kubeProfile('a', 'A')) + '<input name="x" form="spawn_form">')), /does not have \("x"\)/);
    assert.match(unreadable(parseSpawnForm(kubeList(kubeProfile('a', 'A', '<select name="profile-option-b--image"><option>x</option></select>')))), /does not have \("profile-option-b--image"\)/);
    assert.match(unreadable(parseSpawnForm(kubeList(kubeProfile('a', 'A', '<select name="profile-option-a--image"><option value="unlisted-choice">Other</option><option value="x">x</option></select>')))), /half of KubeSpawner's free-text choice/);
    assert.match(unreadable(parseSpawnForm(kubeList(kubeProfile('a', '  ')))), /has no name in the page/);
    assert.match(unreadable(parseSpawnForm(page('<div id="kubespawner-profiles-list"><input type="radio" name="profile" id="profile-item-a" value="a"><h3>A</h3></div>'))), /not laid out as KubeSpawner lays out/);
  });

  it('files, multiple choices and buttons that submit a value are unreadable', () => {
    assert.match(unreadable(parseSpawnForm(page('<input type="file" name="key">'))), /asks for a file/);
    assert.match(unreadable(parseSpawnForm(page('<select name="nodes" multiple><option>a</option></select>'))), /takes several choices at once/);
    assert.match(unreadable(parseSpawnForm(page('<input name="a"><button name="go" value="fast">Start fast</button>'))), /submits a value of its own \("go"\)/);
    assert.match(unreadable(parseSpawnForm(page('<input type="week2" name="w">'))), /a kind of field we do not know \("week2"\)/);
    assert.match(unreadable(parseSpawnForm(page('<select name="a"></select>'))), /has no choices/);
    assert.match(unreadable(parseSpawnForm(page('<p>Nothing to choose.</p>'))), /^The spawn form has no fields\.$/);
    assert.match(unreadable(parseSpawnForm(page('') + page(''))), /more than one spawn form/);
  });

  it('what a browser would not submit is left out: disabled fields and options, templates, other forms, the _xsrf field', () => {
    const form = parseSpawnForm(
      page(`<input type="hidden" name="_xsrf" value="t0k3n">
        <select name="size" id="size"><option value="s" disabled selected>S</option><option value="m">M</option><optgroup label="big"><option>L</option></optgroup></select>
        <label for="size">Size</label>
        <input name="off" disabled><fieldset disabled><input name="off2"></fieldset>
        <template><input name="later"></template><input name="elsewhere" form="other">`) + '<form id="other"><input name="x"></form>',
    );
    assert.deepEqual(form, {
      kind: 'generic',
      options: [
        {
          key: 'size',
          label: 'Size',
          kind: 'choice',
          choices: [
            { value: 'm', label: 'M', isDefault: true },
            { value: 'L', label: 'L', isDefault: false },
          ],
          defaultValue: 'm',
        },
      ],
    });
  });

  it("a textarea's text is read as a browser reads it: entities decoded, markup as text, the first newline dropped", () => {
    const form = parseSpawnForm(page('<label for="e">Env</label><textarea id="e" name="env">\nA=1 &amp;&amp; B=<b>2</b>\n</textarea>'));
    assert.deepEqual(form, { kind: 'generic', options: [{ key: 'env', label: 'Env', kind: 'text', choices: [], defaultValue: 'A=1 && B=<b>2</b>\n' }] });
  });

  it('a lone radio group named profile is a ProfilesSpawner list; its labels must be in the page', () => {
    assert.deepEqual(parseSpawnForm(page('<label><input type="radio" name="profile" value="a"> Alpha</label><input type="radio" name="profile" value="b" id="b" checked><label for="b">Beta</label>')), {
      kind: 'profiles',
      spawner: 'profilesspawner',
      profiles: [
        { slug: 'a', label: 'Alpha', isDefault: false, options: [] },
        { slug: 'b', label: 'Beta', isDefault: true, options: [] },
      ],
    });
    assert.match(unreadable(parseSpawnForm(page('<input type="radio" name="profile" value="a"> Alpha'))), /has no label in the page/);
  });

  it('a page too large or nested too deep is unreadable at once; garbage is not a spawn page', () => {
    let started = Date.now();
    assert.match(unreadable(parseSpawnForm(page('<p>' + 'x'.repeat(5 * 1024 * 1024) + '</p>'))), /larger than 4 MB/);
    assert.match(unreadable(parseSpawnForm(page('<div>'.repeat(100000)))), /nests its elements more than 256 deep/);
    assert.ok(Date.now() - started < 3000, `${Date.now() - started} ms`);
    // A big list still within bounds is read, in reasonable time.
    started = Date.now();
    const many = Array.from({ length: 3000 }, (_, i) => kubeProfile(`p${i}`, `Profile ${i}`, `<p>About ${i}</p><label for="s${i}">Size</label><select id="s${i}" name="profile-option-p${i}--size"><option value="s">S</option><option value="m" selected>M</option></select>`, i === 0)).join('');
    const big = parseSpawnForm(kubeList(many));
    assert.ok(big.kind === 'profiles' && big.profiles.length === 3000 && big.profiles[2999].options[0].defaultValue === 'm');
    assert.ok(Date.now() - started < 5000, `${Date.now() - started} ms`);
    for (const junk of ['', '\u0000\uFFFF<<<>>>', '<form id="spawn_form"', '</form></form><form id=spawn_form><input name=', '<html><body>Hello</body></html>']) {
      assert.doesNotThrow(() => parseSpawnForm(junk), junk);
    }
  });

  it('any cut or splice of the fixtures parses without throwing', () => {
    const pages = ['kubespawner-7.1', 'kubespawner-6.0', 'profilesspawner', 'generic'].map(fixture);
    fc.assert(
      fc.property(fc.constantFrom(...pages), fc.nat(), fc.nat(), fc.string({ maxLength: 8 }), (html, a, b, insert) => {
        const i = a % html.length;
        const j = i + (b % (html.length - i));
        const form = parseSpawnForm(html.slice(0, i) + insert + html.slice(j));
        // Whatever it reads, a pick of its defaults never throws anything but a refusal.
        if (form.kind === 'profiles' || form.kind === 'generic') {
          try {
            userOptionsFor(form, form.kind === 'profiles' ? { profile: form.profiles[0].slug } : {});
          } catch (e) {
            assert.ok(e instanceof SpawnOptionsError, String(e));
          }
          describeUserOptions({ profile: 'x' }, form);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('user_options that look like secrets', () => {
  it('are shown as dots, whatever the form', () => {
    assert.equal(describeUserOptions({ profile: 'gpu', cluster_password: 'hunter2', api_key: 'sk-1' }), 'gpu · cluster_password: ••• · api_key: •••');
    assert.ok(looksSecret('Password') && looksSecret('github_token') && !looksSecret('image'));
  });
});
