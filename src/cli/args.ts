import { CliError } from './io';

export interface ParsedArgs {
  positional: string[];
  options: Record<string, string | true>;
  /** The values of options that may be given more than once (`known.lists`), in order. */
  lists: Record<string, string[]>;
}

/** `--name value`, `--name=value` and `--flag`; `flags` lists the options that take no value, `lists` those given any number of times. */
export function parseArgs(args: string[], known: { values: string[]; flags: string[]; lists?: string[] }): ParsedArgs {
  const out: ParsedArgs = { positional: [], options: {}, lists: {} };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--') || arg === '--') {
      out.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (known.flags.includes(name)) {
      out.options[name] = true;
    } else if (known.values.includes(name) || known.lists?.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined) throw new CliError(`--${name} needs a value.`, 2);
      if (known.lists?.includes(name)) (out.lists[name] ??= []).push(value);
      else out.options[name] = value;
    } else {
      throw new CliError(`Unknown option --${name}.`, 2);
    }
  }
  return out;
}
