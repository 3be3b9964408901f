import type { SpawnForm, SpawnOption, SpawnProfile } from './hub-spawn-form';
import { plain } from './html-tree';
import { JupyterError } from '../http';

/**
 * The `user_options` of a Hub server's start, built from what a person picked in a spawn form
 * (hub-spawn-form.ts), and said back in one line.
 */

/** What a person picked, in the terms of the form (profile slug, option keys, choice values). */
export interface SpawnPick {
  profile?: string;
  options?: Record<string, string | boolean>;
  /** KubeSpawner's free text, by option key. */
  unlisted?: Record<string, string>;
}

/**
 * How a generic form's fields are given to a spawner we do not know. `values` (one value per field:
 * strings, numbers for number fields, booleans for checkboxes) is what spawners that read their own
 * form produce in `options_from_form` (DockerSpawner's image form, JupyterHub's documented example);
 * `form-data` (`{name: [string]}`, unticked checkboxes left out) is what the Hub's default
 * `options_from_form` passes on untouched. The HTML cannot tell which one a spawner reads.
 */
export type GenericShape = 'values' | 'form-data';

/** A pick the form does not offer (an unknown profile, option or choice): one sentence. */
export class SpawnOptionsError extends JupyterError {
  override readonly name: string = 'SpawnOptionsError';
}

/** What `describeUserOptions` returns for `{}`: the spawner's own defaults. */
const DEFAULTS = "the Hub's defaults";

/**
 * The `user_options` (the JSON body of a REST start) that pick these, in the shape the spawner reads:
 * - KubeSpawner (`_options_from_form`, `load_user_options`): `{"profile": SLUG, KEY: CHOICE, …}` with
 *   every option of the profile, as a browser submits them; a free-text choice is `"KEY--unlisted-choice": TEXT`
 *   instead of `KEY`. An unknown slug fails the start (`_get_profile`).
 * - ProfilesSpawner (`options_from_form`): `{"profile": KEY}`; an unknown key is not an error there
 *   (`select_profile` leaves whatever configuration was in place), so it is refused here.
 * - a generic form: every field, with its default where not picked, in `shape` (see `GenericShape`).
 * - no form known (`none`, `unreadable`): KubeSpawner's shape, which ProfilesSpawner reads too, unchecked.
 * Nothing picked is `{}`: the spawner's defaults (and the Hub remembers `{}` as the last options).
 * Throws `SpawnOptionsError` for a pick the form does not offer.
 */
export function userOptionsFor(form: SpawnForm, picked: SpawnPick, shape: GenericShape = 'values'): Record<string, unknown> {
  const options = picked.options ?? {};
  const unlisted = picked.unlisted ?? {};
  switch (form.kind) {
    case 'none':
    case 'unreadable': {
      const out: Record<string, unknown> = picked.profile ? { profile: picked.profile } : {};
      Object.assign(out, options);
      for (const [k, v] of Object.entries(unlisted)) out[`${k}--unlisted-choice`] = v;
      return out;
    }
    case 'profiles':
      return profileOptions(form.spawner, form.profiles, picked.profile, options, unlisted);
    case 'generic':
      if (picked.profile !== undefined) throw new SpawnOptionsError('This Hub offers no profiles: give its options only.');
      if (Object.keys(unlisted).length > 0) throw new SpawnOptionsError('This Hub takes no free-text choices beyond its fields.');
      return genericOptions(form.options, form.fixed ?? {}, options, shape);
  }
}

function profileOptions(spawner: string, profiles: SpawnProfile[], slug: string | undefined, options: Record<string, string | boolean>, unlisted: Record<string, string>): Record<string, unknown> {
  const given = [...Object.keys(options), ...Object.keys(unlisted)];
  if (slug === undefined) {
    if (given.length > 0) throw new SpawnOptionsError(`Name the profile these options are for (one of ${list(profiles.map((p) => p.slug))}).`);
    return {};
  }
  const profile = profiles.find((p) => p.slug === slug);
  if (!profile) throw new SpawnOptionsError(`The Hub offers no profile "${slug}": choose one of ${list(profiles.map((p) => p.slug))}.`);
  const known = new Set(profile.options.map((o) => o.key));
  const unknown = given.find((k) => !known.has(k));
  if (unknown !== undefined) {
    const offered = profile.options.length ? `it has ${list(profile.options.map((o) => o.key))}` : 'it has none';
    throw new SpawnOptionsError(`The profile "${slug}" has no option "${unknown}" (${offered}).`);
  }
  const out: Record<string, unknown> = { profile: slug };
  if (spawner === 'profilesspawner') return out;
  for (const o of profile.options) {
    const text = unlisted[o.key];
    if (text !== undefined) {
      if (!o.unlisted) throw new SpawnOptionsError(`The option "${o.key}" of "${slug}" takes no value of your own: choose one of ${list(o.choices.map((c) => c.value))}.`);
      if (options[o.key] !== undefined) throw new SpawnOptionsError(`Give the option "${o.key}" either a choice or a value of your own, not both.`);
      if (!text.trim()) throw new SpawnOptionsError(`The value of your own for "${o.key}" is empty.`);
      out[`${o.key}--unlisted-choice`] = text;
      continue;
    }
    const value = options[o.key] ?? o.defaultValue;
    if (value === undefined) throw new SpawnOptionsError(`The option "${o.key}" of "${slug}" needs a value of your own: it has no choices.`);
    if (typeof value !== 'string' || !o.choices.some((c) => c.value === value)) {
      throw new SpawnOptionsError(`The option "${o.key}" of "${slug}" has no choice "${String(value)}": choose one of ${list(o.choices.map((c) => c.value))}.`);
    }
    out[o.key] = value;
  }
  return out;
}

function genericOptions(fields: SpawnOption[], fixed: Record<string, string>, options: Record<string, string | boolean>, shape: GenericShape): Record<string, unknown> {
  const unknown = Object.keys(options).find((k) => !fields.some((o) => o.key === k));
  if (unknown !== undefined) throw new SpawnOptionsError(`The Hub's form has no field "${unknown}" (it has ${list(fields.map((o) => o.key))}).`);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fixed)) out[k] = shape === 'form-data' ? [v] : v;
  for (const o of fields) {
    const given = options[o.key];
    const value = given ?? o.defaultValue;
    if (o.kind === 'checkbox') {
      const on = typeof value === 'boolean' ? value : /^(true|yes|on|1)$/i.test(value ?? '') ? true : /^(false|no|off|0|)$/i.test(value ?? '') ? false : undefined;
      if (on === undefined) throw new SpawnOptionsError(`The field "${o.key}" is a checkbox: give true or false.`);
      if (shape === 'values') out[o.key] = on;
      else if (on) out[o.key] = [o.choices[0].value];
      continue;
    }
    if (typeof value === 'boolean') throw new SpawnOptionsError(`The field "${o.key}" takes text, not true or false.`);
    if (value === undefined) continue; // a radio group with nothing checked submits nothing
    if (o.kind === 'choice' && !o.choices.some((c) => c.value === value)) {
      throw new SpawnOptionsError(`The field "${o.key}" has no choice "${value}": choose one of ${list(o.choices.map((c) => c.value))}.`);
    }
    if (o.kind === 'number' && value.trim() !== '' && !Number.isFinite(Number(value))) throw new SpawnOptionsError(`The field "${o.key}" takes a number, not "${value}".`);
    if (shape === 'form-data') out[o.key] = [value];
    else if (o.kind === 'number') {
      if (value.trim() !== '') out[o.key] = Number(value);
    } else out[o.key] = value;
  }
  return out;
}

function list(values: string[]): string {
  return values.length ? values.map((v) => `"${v}"`).join(', ') : 'nothing';
}

// ---- one line for a person ----

/**
 * One line for a person from the `user_options` a server was started with: "1 GPU, PyTorch · Image:
 * PyTorch 2.3 (CUDA 12.1)" with the form, "gpu-pytorch · image: pytorch-2.3" without it. The options
 * come from the Hub's server model (anyone with access could have set them): plain text, capped.
 */
/** A key of `user_options` that names a secret (a password field of the form): never shown back, never remembered. */
export function looksSecret(key: string): boolean {
  return /pass|secret|token|credential|api[-_]?key/i.test(key);
}

export function describeUserOptions(options: Record<string, unknown>, form?: SpawnForm): string {
  let entries = Object.entries(options).filter(([, v]) => v !== null && v !== undefined);
  if (entries.length === 0) return DEFAULTS;
  const parts: string[] = [];
  let fields: SpawnOption[] = form?.kind === 'generic' ? form.options : [];
  const slug = options.profile;
  if (form?.kind !== 'generic' && slug !== undefined && slug !== null) {
    const profile = form?.kind === 'profiles' ? form.profiles.find((p) => p.slug === slug) : undefined;
    parts.push(profile?.label ?? shown(slug));
    fields = profile?.options ?? [];
    entries = entries.filter(([k]) => k !== 'profile');
  }
  const keyOf = (k: string) => k.replace(/--unlisted-choice$/, '');
  const rank = (k: string) => {
    const i = fields.findIndex((o) => o.key === keyOf(k));
    return i < 0 ? fields.length : i;
  };
  // The form's order first, then whatever else the options hold, in their own order.
  for (const [k, v] of entries.sort((a, b) => rank(a[0]) - rank(b[0]))) {
    const option = fields.find((o) => o.key === keyOf(k));
    // The Hub's default options_from_form keeps form data as lists: one value reads as itself.
    const value = Array.isArray(v) && v.length === 1 ? (v[0] as unknown) : v;
    let text: string;
    if (looksSecret(k)) text = '•••';
    else if (option?.kind === 'checkbox') text = value === true || value === option.choices[0]?.value ? 'yes' : 'no';
    else text = (k === keyOf(k) && option?.choices.find((c) => c.value === value)?.label) || shown(value);
    if (!text) continue;
    parts.push(`${option?.label ?? plain(keyOf(k), 60)}: ${text}`);
  }
  return plain(parts.join(' · '), 300);
}

function shown(v: unknown): string {
  if (typeof v === 'string') return plain(v, 80);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return plain(v.join(', '), 80);
  return plain(JSON.stringify(v) ?? '', 80);
}
