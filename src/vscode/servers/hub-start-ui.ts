import * as vscode from 'vscode';
import { userOptionsFor } from '../../core/api';
import type { JsonObject, SpawnOption, SpawnPick } from '../../core/api';
import { messageOf } from '../../core/util/errors';
import type { StartChoice, StartRequest } from './hub-start';

type Item = vscode.QuickPickItem & { act?: () => Promise<StartChoice | undefined> };

/**
 * How to start a stopped Hub server, as one quick pick: the options it was started with last time,
 * the Hub's profiles (then each option of the chosen one), Choose in the Browser…, Enter Options as
 * JSON…, and the Hub's defaults. Escape at any step starts nothing.
 */
export async function chooseStart(request: StartRequest): Promise<StartChoice | undefined> {
  const items: Item[] = [];
  if (request.last) {
    const { userOptions } = request.last;
    items.push({ label: '$(history) Start as Last Time', description: request.last.description, act: async () => ({ kind: 'options', userOptions }) });
  }
  const { form } = request;
  if (form?.kind === 'profiles') {
    if (items.length) items.push({ label: 'Profiles', kind: vscode.QuickPickItemKind.Separator });
    for (const profile of form.profiles) {
      items.push({
        label: `$(server-environment) ${profile.label}`,
        description: profile.isDefault ? 'default' : undefined,
        detail: profile.description,
        act: async () => {
          const chosen = await askOptions(profile.options, profile.label);
          return chosen && optionsChoice(request, { profile: profile.slug, ...chosen });
        },
      });
    }
  } else if (form?.kind === 'generic' && form.options.length) {
    items.push({
      label: '$(settings) Choose the Options…',
      detail: form.options.map((o) => o.label).join(', '),
      act: async () => {
        const chosen = await askOptions(form.options, 'the Hub');
        return chosen && optionsChoice(request, chosen);
      },
    });
  }
  items.push(
    { label: 'More', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(link-external) Choose in the Browser…', detail: "The Hub's own page: every option, any login. Jupyter Remote connects once the server runs.", act: async () => ({ kind: 'browser' }) },
    { label: '$(json) Enter Options as JSON…', detail: "The Hub's user_options, as its spawner reads them", act: () => askJson() },
    { label: "$(play) Start with the Hub's Defaults", act: async () => ({ kind: 'defaults' }) },
  );
  const picked = await vscode.window.showQuickPick(items, {
    title: `${request.server} is not running: start it how?`,
    placeHolder: request.formNote,
    ignoreFocusOut: true,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.act?.();
}

function optionsChoice(request: StartRequest, pick: SpawnPick): StartChoice | undefined {
  try {
    return { kind: 'options', userOptions: userOptionsFor(request.form ?? { kind: 'none' }, pick) as JsonObject };
  } catch (e) {
    void vscode.window.showErrorMessage(messageOf(e));
    return undefined;
  }
}

/** Each option in turn: a pick of its choices (the default marked, "Other…" where free text is allowed), or a box. */
async function askOptions(options: SpawnOption[], of: string): Promise<Pick<SpawnPick, 'options' | 'unlisted'> | undefined> {
  const picked: Record<string, string | boolean> = {};
  const unlisted: Record<string, string> = {};
  for (const option of options) {
    const title = `${of}: ${option.label}`;
    if (option.kind === 'choice' || option.kind === 'checkbox') {
      const choices: (vscode.QuickPickItem & { value?: string | boolean; other?: boolean })[] =
        option.kind === 'checkbox'
          ? [{ label: 'Yes', value: true }, { label: 'No', value: false }]
          : option.choices.map((c) => ({ label: c.label, description: c.isDefault ? 'default' : c.label === c.value ? undefined : c.value, value: c.value }));
      if (option.unlisted) choices.push({ label: `${option.unlisted.label}…`, other: true });
      const choice = await vscode.window.showQuickPick(choices, { title, ignoreFocusOut: true });
      if (!choice) return undefined;
      if (choice.other) {
        const text = await vscode.window.showInputBox({ title, prompt: option.unlisted?.hint, ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'Give a value, or press Escape.') });
        if (text === undefined) return undefined;
        unlisted[option.key] = text.trim();
      } else if (choice.value !== undefined) {
        picked[option.key] = choice.value;
      }
    } else {
      const text = await vscode.window.showInputBox({
        title,
        value: typeof option.defaultValue === 'string' ? option.defaultValue : '',
        ignoreFocusOut: true,
        validateInput: (v) => (option.kind === 'number' && v.trim() && !Number.isFinite(Number(v)) ? 'A number, please.' : undefined),
      });
      if (text === undefined) return undefined;
      picked[option.key] = text;
    }
  }
  return { options: picked, unlisted };
}

async function askJson(): Promise<StartChoice | undefined> {
  const text = await vscode.window.showInputBox({
    title: "The Hub's user_options, as JSON",
    prompt: 'An object, as the spawner reads it: {"profile": "gpu", "image": "pytorch"}',
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        const parsed = JSON.parse(v) as unknown;
        return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? undefined : 'An object: {"key": "value", …}';
      } catch (e) {
        return `Not JSON: ${(e as Error).message}`;
      }
    },
  });
  return text === undefined ? undefined : { kind: 'options', userOptions: JSON.parse(text) as JsonObject };
}
