import { ancestors, descendants, El, elementsOf, MAX_DEPTH, MAX_LABEL, NOT_TEXT, parseHtml, plain, pushChildren, rcdata, textOf } from './html-tree';

/**
 * The options form of a JupyterHub spawn page (`/hub/spawn/<user>[/<server>]`), read into choices.
 *
 * A Hub has no REST endpoint for its options form (jupyterhub #3553, #4027): the choices exist only
 * in the page's HTML, inside `<form id="spawn_form">` (spawn.html, Hub 1 to 6). What the Hub does
 * with a submitted form is the spawner's `options_from_form`; a REST start
 * (`POST hub/api/users/<u>/server[s/<name>]`) skips it and hands its JSON body (Hub ≤ 5; Hub 6 also
 * takes `{"user_options": …}`) to the spawner as `user_options` as it is. So the body must already
 * be in the shape `options_from_form` would have produced, which `userOptionsFor` builds per spawner.
 *
 * Everything read from the page is untrusted: labels and descriptions come back as plain text, and a
 * form whose meaning is not certain is `unreadable`, never guessed at.
 */

export interface SpawnChoice {
  /** What is submitted. */
  value: string;
  label: string;
  /** What the page pre-selects (what a person who only clicks "Start" gets). */
  isDefault: boolean;
}

export interface SpawnOption {
  /** The `user_options` key (KubeSpawner's option slug, or the form field's name). */
  key: string;
  label: string;
  /**
   * `choice`: one of `choices`; `checkbox`: `choices` holds the one value it submits when ticked;
   * `text` and `number`: free text.
   */
  kind: 'choice' | 'text' | 'number' | 'checkbox';
  choices: SpawnChoice[];
  /** The pre-selected choice's value, the pre-filled text, or whether the checkbox is ticked. */
  defaultValue?: string | boolean;
  /** KubeSpawner ≥ 7's free-text "other" choice (`unlisted_choice`), where enabled. */
  unlisted?: { label: string; hint?: string };
}

export interface SpawnProfile {
  slug: string;
  label: string;
  description?: string;
  /**
   * The profile the page pre-selects: the configured default, or on KubeSpawner ≥ 7.1 the one the
   * server was last started with.
   */
  isDefault: boolean;
  options: SpawnOption[];
}

export type SpawnForm =
  | { kind: 'profiles'; spawner: 'kubespawner' | 'profilesspawner'; profiles: SpawnProfile[] }
  /** `fixed`: hidden fields the browser would submit as they are. */
  | { kind: 'generic'; options: SpawnOption[]; fixed?: Record<string, string> }
  /** The page has no options form: it is not a spawn page (a login page, say). */
  | { kind: 'none' }
  /** A form we cannot understand; `reason` is one sentence. */
  | { kind: 'unreadable'; reason: string };

/** Larger than any spawn page a Hub renders (KubeSpawner's with a hundred profiles is ~0.5 MB). */
const MAX_PAGE = 4 * 1024 * 1024;
const MAX_DESCRIPTION = 1000;
// ---- the form's fields ----

interface Field {
  el: El;
  tag: string;
  /** Lower-case input type (`text` for one not given), or the tag for select and textarea. */
  type: string;
  name: string;
}

class Unreadable extends Error {}

const TEXT_TYPES = new Set(['text', 'search', 'email', 'url', 'tel', 'password', 'date', 'time', 'datetime-local', 'month', 'week', 'color']);
const NUMBER_TYPES = new Set(['number', 'range']);
const BUTTON_TYPES = new Set(['submit', 'reset', 'button', 'image']);

/** Reads a spawn page. Never throws for what the page contains. */
export function parseSpawnForm(html: string): SpawnForm {
  if (html.length > MAX_PAGE) return { kind: 'unreadable', reason: `The spawn page is larger than ${MAX_PAGE / 1024 / 1024} MB.` };
  const root = parseHtml(html);
  if (!root) return { kind: 'unreadable', reason: `The spawn page nests its elements more than ${MAX_DEPTH} deep.` };
  const forms = [...descendants(root)].filter((el) => el.name === 'form' && el.attrs.id === 'spawn_form');
  if (forms.length === 0) return { kind: 'none' };
  if (forms.length > 1) return { kind: 'unreadable', reason: 'The page has more than one spawn form.' };
  try {
    return readForm(root, forms[0]);
  } catch (e) {
    if (e instanceof Unreadable) return { kind: 'unreadable', reason: e.message };
    throw e;
  }
}

function readForm(root: El, form: El): SpawnForm {
  const labels = new Map<string, El>();
  for (const el of descendants(root)) if (el.name === 'label' && el.attrs.for !== undefined && !labels.has(el.attrs.for)) labels.set(el.attrs.for, el);
  const fields = fieldsOf(root, form);
  const named = fields.filter((f) => !(f.type === 'hidden' && f.name === '_xsrf'));
  if ([...descendants(form)].some((el) => el.attrs.id === 'kubespawner-profiles-list') || named.some(isKubeProfileRadio)) {
    return { kind: 'profiles', spawner: 'kubespawner', profiles: kubeProfiles(form, named, labels) };
  }
  if (named.length > 0 && named.every((f) => f.name === 'profile')) {
    return { kind: 'profiles', spawner: 'profilesspawner', profiles: profilesSpawnerProfiles(named, labels) };
  }
  if (named.length === 0) {
    const scripted = [...descendants(form)].some((el) => el.name === 'script');
    throw new Unreadable(scripted ? 'The spawn form has no fields in the page: a script builds it in the browser.' : 'The spawn form has no fields.');
  }
  return genericForm(named, labels);
}

/** The fields a browser would submit with the spawn form (buttons and disabled fields left out). */
function fieldsOf(root: El, form: El): Field[] {
  const fields: Field[] = [];
  const inert = (el: El) => el.name === 'template' || el.name === 'noscript';
  for (const el of descendants(root, inert)) {
    if (el.name !== 'input' && el.name !== 'select' && el.name !== 'textarea' && el.name !== 'button') continue;
    const up = ancestors(el);
    const owner = el.attrs.form !== undefined ? (el.attrs.form === 'spawn_form' ? form : undefined) : up.find((a) => a.name === 'form');
    if (owner !== form) continue;
    if (el.attrs.disabled !== undefined || up.some((a) => a.name === 'fieldset' && a.attrs.disabled !== undefined)) continue;
    const type = el.name === 'input' ? (el.attrs.type ?? 'text').toLowerCase() : el.name === 'button' ? (el.attrs.type ?? 'submit').toLowerCase() : el.name;
    const name = el.attrs.name;
    if (el.name === 'button' || BUTTON_TYPES.has(type)) {
      // The Hub's own Start button has no name; a named one would add itself to what is submitted.
      if (name) throw new Unreadable(`The spawn form has a button that submits a value of its own ("${plain(name, 40)}").`);
      continue;
    }
    if (!name) continue; // not submitted (KubeSpawner's free-text input until its script names it)
    if (type === 'file') throw new Unreadable('The spawn form asks for a file.');
    if (el.name === 'select' && el.attrs.multiple !== undefined) throw new Unreadable(`The spawn form's "${plain(name, 40)}" takes several choices at once.`);
    fields.push({ el, tag: el.name, type, name });
  }
  return fields;
}

/**
 * The label a person sees for a field: `<label for=id>`, the `<label>` around it, or one whose `for`
 * is the field's name (DockerSpawner's and KubeSpawner 6's forms give their selects a name, no id).
 */
function labelOf(field: El, labels: Map<string, El>, fallback: string): string {
  const byFor = field.attrs.id !== undefined ? labels.get(field.attrs.id) : undefined;
  const wrapping = ancestors(field).find((a) => a.name === 'label');
  const byName = field.attrs.name !== undefined && field.attrs.type !== 'radio' ? labels.get(field.attrs.name) : undefined;
  const label = byFor ?? wrapping ?? byName;
  const text = label ? textOf(label, MAX_LABEL, (el) => el.name === 'input' || el.name === 'button') : '';
  return text || plain(field.attrs['aria-label'] ?? '', MAX_LABEL) || plain(fallback, MAX_LABEL);
}

/** A `<select>`'s choices; the default is what a browser pre-selects (the last `selected`, else the first). */
function choicesOf(select: El): SpawnChoice[] {
  const options = [...descendants(select)].filter((el) => el.name === 'option' && el.attrs.disabled === undefined);
  const selected = options.filter((o) => o.attrs.selected !== undefined).pop() ?? options[0];
  return options.map((o) => {
    const text = textOf(o);
    return { value: o.attrs.value ?? text, label: plain(o.attrs.label ?? '', MAX_LABEL) || text, isDefault: o === selected };
  });
}

function checked(radios: El[]): El | undefined {
  return radios.filter((r) => r.attrs.checked !== undefined).pop();
}

function noDuplicates(values: string[], what: string): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) throw new Unreadable(`Two ${what} share the value "${plain(v, 60)}".`);
    seen.add(v);
  }
}

// ---- KubeSpawner (profile_list) ----

function isKubeProfileRadio(f: Field): boolean {
  return f.type === 'radio' && f.name === 'profile' && f.el.attrs.id === `profile-item-${f.el.attrs.value ?? ''}`;
}

const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const FIELDS = new Set(['input', 'select', 'textarea', 'button', 'label']);

/**
 * KubeSpawner's form.html (5.x to 7.x): per profile a `<label for="profile-item-SLUG">` around a radio
 * `profile=SLUG`, an `<h3>` display name, a `<p>` description, and per option a `<select>` named
 * `profile-option-SLUG--KEY` (`-KEY` before 7.0) whose choices are the option's. With
 * `unlisted_choice` enabled (7.0) the select also offers `unlisted-choice`, and a text input with
 * `data-name="…--KEY--unlisted-choice"` gets that name from the page's script when it is chosen.
 */
function kubeProfiles(form: El, fields: Field[], labels: Map<string, El>): SpawnProfile[] {
  const radios = fields.filter((f) => f.type === 'radio' && f.name === 'profile');
  if (radios.length === 0) throw new Unreadable("KubeSpawner's profile list has no profile to choose.");
  const slugs = radios.map((r) => r.el.attrs.value ?? '');
  if (slugs.includes('')) throw new Unreadable('A profile of the list has no slug.');
  noDuplicates(slugs, 'profiles');
  const defaultRadio = checked(radios.map((r) => r.el));
  // Each profile's box is the <label> around its radio; each other field belongs to the box around it.
  const boxes = new Map<El, number>();
  radios.forEach((radio, i) => {
    const box = ancestors(radio.el).find((a) => a.name === 'label');
    if (!box || boxes.has(box) || !ancestors(box).includes(form)) throw new Unreadable(`The profile "${plain(slugs[i], 60)}" is not laid out as KubeSpawner lays out its profiles.`);
    boxes.set(box, i);
  });
  const fieldsOfProfile = radios.map((): Field[] => []);
  for (const f of fields) {
    if (f.type === 'radio' && f.name === 'profile') continue;
    const box = ancestors(f.el).find((a) => boxes.has(a));
    if (!box) throw new Unreadable(`The profile list has a field KubeSpawner's form does not have ("${plain(f.name, 60)}").`);
    fieldsOfProfile[boxes.get(box)!].push(f);
  }
  return [...boxes].map(([box, i]): SpawnProfile => {
    const slug = slugs[i];
    const inBox = [...descendants(box)];
    const heading = inBox.find((el) => HEADINGS.has(el.name));
    const label = heading ? textOf(heading) : '';
    if (!heading || !label) throw new Unreadable(`The profile "${plain(slug, 60)}" has no name in the page.`);
    const description = descriptionOf(box, heading, inBox);
    const profile: SpawnProfile = { slug, label, ...(description ? { description } : {}), isDefault: radios[i].el === defaultRadio, options: [] };
    const others = new Map<string, El>();
    for (const el of inBox) {
      const name = el.name === 'input' ? (el.attrs['data-name'] ?? el.attrs.name) : undefined;
      if (name?.endsWith('--unlisted-choice') && !others.has(name)) others.set(name, el);
    }
    profile.options = fieldsOfProfile[i].map((f) => kubeOption(f, slug, labels, others));
    noDuplicates(profile.options.map((o) => o.key), `options of "${plain(slug, 60)}"`);
    return profile;
  });
}

/** The text after the profile's heading and before its first option (KubeSpawner does not escape it). */
function descriptionOf(box: El, heading: El, inBox: El[]): string | undefined {
  const holdsField = new Set<El>();
  for (const el of inBox) if (FIELDS.has(el.name)) for (const a of ancestors(el)) holdsField.add(a);
  const parts: string[] = [];
  let after = false;
  const stack: Array<El | string> = [];
  pushChildren(stack, box);
  for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
    if (typeof n === 'string') {
      if (after) parts.push(n);
    } else if (n === heading) {
      after = true;
    } else if (after && (FIELDS.has(n.name) || holdsField.has(n))) {
      break;
    } else if (!NOT_TEXT.has(n.name)) {
      pushChildren(stack, n);
    }
  }
  return plain(parts.join(''), MAX_DESCRIPTION) || undefined;
}

function kubeOption(f: Field, slug: string, labels: Map<string, El>, others: Map<string, El>): SpawnOption {
  const prefix = `profile-option-${slug}-`;
  if (f.tag !== 'select' || !f.name.startsWith(prefix) || f.name.endsWith('--unlisted-choice')) {
    throw new Unreadable(`The profile "${plain(slug, 60)}" has a field KubeSpawner's form does not have ("${plain(f.name, 60)}").`);
  }
  const rest = f.name.slice(prefix.length);
  const key = rest.startsWith('-') ? rest.slice(1) : rest; // 7.x: `--KEY`, 5.x and 6.x: `-KEY`
  if (!key) throw new Unreadable(`An option of the profile "${plain(slug, 60)}" has no name.`);
  const all = choicesOf(f.el);
  const choices = all.filter((c) => c.value !== 'unlisted-choice');
  noDuplicates(choices.map((c) => c.value), `choices of "${plain(key, 60)}"`);
  // KubeSpawner 6 labels its select by name (`for` = the select's name; the select has no id).
  const labelEl = (f.el.attrs.id !== undefined ? labels.get(f.el.attrs.id) : undefined) ?? labels.get(f.name);
  const option: SpawnOption = { key, label: (labelEl && textOf(labelEl)) || plain(key, MAX_LABEL), kind: 'choice', choices };
  const def = choices.find((c) => c.isDefault);
  if (def) option.defaultValue = def.value;
  const other = others.get(`${f.name}--unlisted-choice`);
  const otherChoice = all.find((c) => c.value === 'unlisted-choice');
  if (!otherChoice !== !other) throw new Unreadable(`The option "${plain(key, 60)}" of the profile "${plain(slug, 60)}" has half of KubeSpawner's free-text choice.`);
  if (other && otherChoice) {
    const otherLabel = other.attrs.id !== undefined ? labels.get(other.attrs.id) : undefined;
    option.unlisted = { label: (otherLabel && textOf(otherLabel)) || otherChoice.label };
    const hint = plain(other.attrs.title ?? '', MAX_LABEL);
    if (hint) option.unlisted.hint = hint;
  }
  if (choices.length === 0 && !other) throw new Unreadable(`The option "${plain(key, 60)}" of the profile "${plain(slug, 60)}" has no choices.`);
  return option;
}

// ---- wrapspawner's ProfilesSpawner ----

/**
 * ProfilesSpawner's form_template: one `<select name="profile">` of `<option value=KEY>DISPLAY` (the
 * first selected); its input_template may be changed to radios. `options_from_form` keeps only
 * `profile`. A generic form whose only field is `profile` reads the same, and is taken for this.
 */
function profilesSpawnerProfiles(fields: Field[], labels: Map<string, El>): SpawnProfile[] {
  let choices: SpawnChoice[];
  if (fields.length === 1 && fields[0].tag === 'select') {
    choices = choicesOf(fields[0].el);
  } else if (fields.every((f) => f.type === 'radio')) {
    const def = checked(fields.map((f) => f.el));
    choices = fields.map((f) => {
      const value = f.el.attrs.value ?? 'on';
      const label = labelOf(f.el, labels, '');
      if (!label) throw new Unreadable(`The profile "${plain(value, 60)}" has no label in the page.`);
      return { value, label, isDefault: f.el === def };
    });
  } else {
    throw new Unreadable('The spawn form has several "profile" fields.');
  }
  if (choices.length === 0) throw new Unreadable('The profile list is empty.');
  noDuplicates(choices.map((c) => c.value), 'profiles');
  return choices.map((c) => ({ slug: c.value, label: c.label, isDefault: c.isDefault, options: [] }));
}

// ---- any other form ----

function genericForm(fields: Field[], labels: Map<string, El>): SpawnForm {
  const byName = new Map<string, Field[]>();
  for (const f of fields) byName.set(f.name, [...(byName.get(f.name) ?? []), f]);
  const options: SpawnOption[] = [];
  const fixed: Record<string, string> = {};
  for (const [name, group] of byName) {
    const what = `"${plain(name, 60)}"`;
    const first = group[0];
    if (group.every((f) => f.type === 'radio')) {
      const def = checked(group.map((f) => f.el));
      const choices = group.map((f) => {
        const value = f.el.attrs.value ?? 'on';
        return { value, label: labelOf(f.el, labels, value), isDefault: f.el === def };
      });
      noDuplicates(choices.map((c) => c.value), `choices of ${what}`);
      const legend = ancestors(first.el).find((a) => a.name === 'fieldset');
      const legendEl = legend && [...elementsOf(legend)].find((el) => el.name === 'legend');
      const option: SpawnOption = { key: name, label: (legendEl && textOf(legendEl)) || plain(name, MAX_LABEL), kind: 'choice', choices };
      if (def) option.defaultValue = def.attrs.value ?? 'on';
      options.push(option);
      continue;
    }
    if (group.length > 1) throw new Unreadable(`The spawn form has several fields named ${what}.`);
    const label = labelOf(first.el, labels, name);
    if (first.type === 'hidden') {
      fixed[name] = first.el.attrs.value ?? '';
    } else if (first.tag === 'select') {
      const choices = choicesOf(first.el);
      if (choices.length === 0) throw new Unreadable(`The list ${what} has no choices.`);
      noDuplicates(choices.map((c) => c.value), `choices of ${what}`);
      const def = choices.find((c) => c.isDefault)!;
      options.push({ key: name, label, kind: 'choice', choices, defaultValue: def.value });
    } else if (first.type === 'checkbox') {
      const value = first.el.attrs.value ?? 'on';
      const on = first.el.attrs.checked !== undefined;
      options.push({ key: name, label, kind: 'checkbox', choices: [{ value, label, isDefault: on }], defaultValue: on });
    } else if (first.tag === 'textarea') {
      const raw = first.el.children.filter((c) => typeof c === 'string').join('');
      options.push({ key: name, label, kind: 'text', choices: [], defaultValue: rcdata(raw).replace(/^\r?\n/, '') });
    } else if (NUMBER_TYPES.has(first.type) || TEXT_TYPES.has(first.type)) {
      options.push({ key: name, label, kind: NUMBER_TYPES.has(first.type) ? 'number' : 'text', choices: [], defaultValue: first.el.attrs.value ?? '' });
    } else {
      throw new Unreadable(`The spawn form's ${what} is a kind of field we do not know ("${plain(first.type, 30)}").`);
    }
  }
  return Object.keys(fixed).length > 0 ? { kind: 'generic', options, fixed } : { kind: 'generic', options };
}
