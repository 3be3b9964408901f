import { Redactor } from '../core/util/logger';
import { checkCommand } from './check-command';
import { getCommand, lsCommand, putCommand } from './files-command';
import { CliError, printLine } from './io';
import { localCommand, parseCommand } from './parse-command';
import { runCommand } from './run-command';
import { syncCommand } from './sync-command';
import { varsCommand } from './vars-command';

const USAGE = `Usage: jupyter-remote <command> [options]

Commands:
  parse [FILE|-]   Find Jupyter servers in pasted text (URLs, logs, \`jupyter server list\` output); print JSON.
  check URL        Connect to a server and print its flavour, version, auth and kernel types.
                   Token from the URL or JUPYTER_TOKEN; password from JUPYTER_PASSWORD;
                   --ca FILE or --fingerprint SHA256 for self-signed TLS. A JupyterHub's address:
                   whose the token is and their servers; a stopped Hub server is started first.
  run NOTEBOOK --url URL [--kernel NAME | --kernel-id ID] [--out FILE] [--allow-errors] [--timeout SECONDS]
                   Run a notebook's code cells on a remote kernel; print outputs; write the executed notebook.
  ls URL [PATH] [--json]
                   List a folder on the server (--json: name, path, type, size, lastModified).
  get URL REMOTE [LOCAL|-]
                   Download a file (- writes it to stdout); the local file appears only when whole.
  put URL LOCAL [REMOTE]
                   Upload a file in chunks, creating missing folders; the server's old file stays whole until the new one is.
  vars URL --kernel-id ID [--all] [--json]
                   A running kernel's variables: name, type, size or shape, a short value (--all: modules,
                   functions and classes too). Answers while a cell runs there.
  sync LOCAL_DIR URL REMOTE_DIR [--watch] [--delete] [--dry-run] [--exclude PATTERN]...
                   Send a local project folder's changed files to a server folder (one way), leaving out
                   what git ignores, hidden files, virtual environments and caches. Never overwrites a file
                   changed on the server since the last sync; --delete mirrors deletes of files it sent;
                   --dry-run lists what would be sent (+ new, ~ changed) or deleted (-); --watch keeps
                   going until Ctrl-C; --exclude (any number) leaves out more, in .gitignore syntax.
                   Exit 1 when anything was left unsynced.
  local            List Jupyter servers running on this machine (from Jupyter's runtime directory).
  check, run, ls, get, put, vars and sync take --verbose: every request and reconnect on stderr, secrets removed.
  help             Show this help.
`;

type Command = (args: string[], out: NodeJS.WritableStream) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  parse: parseCommand,
  check: checkCommand,
  run: runCommand,
  local: localCommand,
  ls: lsCommand,
  get: getCommand,
  put: putCommand,
  vars: varsCommand,
  sync: syncCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    printLine(process.stderr, `jupyter-remote: unknown command "${name}"; run \`jupyter-remote help\` for the list.`);
    return 2;
  }
  try {
    return await command(args, process.stdout);
  } catch (e) {
    // Messages are written without secrets; an unforeseen one still goes through the pattern redactor.
    // They carry file names, paths and the server's reasons: printLine shows their control characters escaped.
    const message = new Redactor().redact(e instanceof CliError ? e.message : `Unexpected failure: ${(e as Error)?.message ?? String(e)}`);
    printLine(process.stderr, `jupyter-remote: ${message}`);
    return e instanceof CliError ? e.exitCode : 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 1;
  },
);
