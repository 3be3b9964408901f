import { looksLikeKernelConnectionFile, serverFromJson } from './parse-json';
import { UrlContext, parseServerUrl } from './parse-url';
import { ServerAddress, ServerKind } from './server-address';
import { foldServers } from './fold';
import { TOKEN_PLACEHOLDER } from '../util/logger';

export interface ParseOptions {
  /**
   * Reads a local file that a pasted `file://…-open.html` link names (those pages hold the full
   * token URL even when the log masks it). Omit it where local files are not the server's.
   */
  readLocalFile?: (path: string) => string | undefined;
}

export interface ParseResult {
  servers: ServerAddress[];
  /** Why parts of the input gave no server, one sentence each. */
  problems: string[];
  /** The input was `jupyter … list` output (its header line), so an empty list is an answer. */
  sawServerList: boolean;
}

/** Enough for any real paste; the cap keeps a hostile 10 MB input bounded in time. */
const MAX_SERVERS = 1000;
const MAX_INPUT_CHARS = 16 * 1024 * 1024;
const MAX_URL_CHARS = 8 * 1024;

// ESC [ … letter, ESC ( letter (as in `\x1b(B`), and OSC sequences.
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;
// `[I 2026-11-22 10:46:39.909 ServerApp]`, `[I 10:46:40.179 NotebookApp]`, `[I … JupyterHub app:3]`.
const LOG_PREFIX = /^\s*\[([IWECD]) [^\]]{0,120}\]\s?/;
const URL_IN_TEXT = /\b(?:https?|http\+unix|ftp|ftps|file|ws|wss|ssh):\/\/[^\s"<>`]+/gi;
// notebook 5.x on all interfaces: `http://(f3a1c2e4b5d6 or 127.0.0.1):8888/?token=…`
const NB5_OR_HOST = /\(([^()\s]{1,255}) or ([^()\s]{1,255})\)/g;
const BARE_HOST_PORT =
  /^(?:\[[0-9a-f:.%\w]+\]|[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)*)(?::\d{1,5})?(?:[/?#]\S*)?$/i;

/**
 * Finds every Jupyter server in text a person pasted: URLs, server log lines, `jupyter server list`
 * or `jupyter notebook list` output (text, `--json`, `--jsonlist`), runtime files and `*-open.html` pages.
 * Never throws: what it cannot use is reported in `problems`.
 */
export function parseServerText(input: string, options: ParseOptions = {}): ParseResult {
  const result: ParseResult = { servers: [], problems: [], sawServerList: false };
  let text = typeof input === 'string' ? input : '';
  if (text.length > MAX_INPUT_CHARS) {
    text = text.slice(0, MAX_INPUT_CHARS);
    result.problems.push('The input is larger than 16 MB; only its beginning was read.');
  }
  if (!text.trim()) {
    result.problems.push(`The input is empty: paste a server URL such as http://host:8888/?token=${TOKEN_PLACEHOLDER} or the output of \`jupyter server list\`.`);
    return result;
  }

  const found: Found[] = [];
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const whole = tryJson(trimmed);
    if (whole !== undefined) {
      collectJson(whole, found, result);
      return finish(found, result);
    }
  }

  const onlyLine = !/[\r\n]/.test(trimmed);
  // An input box drops the line breaks of a pasted `jupyter server list`: the next URL runs into the
  // previous line's root dir (`… :: /home/xhttp://…`) or follows it after a space. Break it up again.
  const unfolded = onlyLine && trimmed.includes(' :: ') ? trimmed.replace(/(?<=\S)\s*(?=https?:\/\/)/gi, '\n') : text;
  const lines = unfolded.split(/\r\n|\n|\r/);
  const state: ScanState = { inServerList: false, onlyLine };
  for (let i = 0; i < lines.length && found.length < MAX_SERVERS; i++) {
    scanLine(lines[i], state, found, result, options);
  }
  if (found.length >= MAX_SERVERS) result.problems.push(`Only the first ${MAX_SERVERS} server addresses were read.`);
  return finish(found, result);
}

/** A server found in the text, with how it was introduced (for folding duplicates). */
export interface Found {
  server: ServerAddress;
  /** A ` or http://…` line: another spelling of the server on the line before. */
  aliasOfPrevious: boolean;
}

function finish(found: Found[], result: ParseResult): ParseResult {
  result.servers = foldServers(found);
  if (result.servers.length === 0 && result.problems.length === 0 && !result.sawServerList) {
    result.problems.push(
      `No Jupyter server address was found in the input: paste a URL such as http://host:8888/?token=${TOKEN_PLACEHOLDER} or the output of \`jupyter server list\`.`,
    );
  }
  return result;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function collectJson(value: unknown, found: Found[], result: ParseResult): void {
  const items = Array.isArray(value) ? value : [value];
  if (Array.isArray(value)) result.sawServerList = true; // `--jsonlist`: `[]` means no server is running
  for (const item of items.slice(0, MAX_SERVERS)) {
    const server = serverFromJson(item);
    if (server) found.push({ server, aliasOfPrevious: false });
    else if (looksLikeKernelConnectionFile(item)) {
      result.problems.push('This is a kernel connection file, not a server address: paste the URL the Jupyter server printed instead.');
    }
  }
}

function appKind(prefix: string): ServerKind | undefined {
  if (/NotebookApp/.test(prefix)) return 'notebook';
  if (/ServerApp|LabApp|ExtensionApp|VoilaApp/.test(prefix)) return 'jupyter-server';
  return undefined;
}

interface ScanState {
  /** Lines after a `Currently running servers:` header are printed by servers about themselves. */
  inServerList: boolean;
  /** The whole input is one line: a bare `jupyter.example.com` then counts as an address. */
  onlyLine: boolean;
}

function scanLine(rawLine: string, state: ScanState, found: Found[], result: ParseResult, options: ParseOptions): void {
  let line = rawLine.replace(ANSI, '');
  if (/^\s*Currently running servers:\s*$/.test(line)) {
    result.sawServerList = true;
    state.inServerList = true;
    return;
  }
  const trimmedLine = line.trim();
  if (trimmedLine.startsWith('{')) {
    const json = tryJson(trimmedLine);
    if (json !== undefined) {
      result.sawServerList = true; // `--json` prints one object a line and nothing when no server runs
      collectJson(json, found, result);
      return;
    }
  }

  const prefix = LOG_PREFIX.exec(line);
  const context: UrlContext = {};
  if (prefix) {
    line = line.slice(prefix[0].length);
    const kind = appKind(prefix[0]);
    if (kind) {
      context.kind = kind;
      context.printedByServer = true;
    }
    if (/JupyterHub/.test(prefix[0]) && /JupyterHub is now running at/.test(line)) context.kind = 'jupyterhub';
  }
  if (state.inServerList) context.printedByServer = true;
  const aliasOfPrevious = /^\s*or\s+\S/.test(line);

  const wildcardHosts: string[] = [];
  line = line.replace(NB5_OR_HOST, (_m, name: string, other: string) => {
    wildcardHosts.push(name);
    return other;
  });

  let matched = false;
  for (const m of line.matchAll(URL_IN_TEXT)) {
    matched = true;
    if (m[0].length > MAX_URL_CHARS) {
      result.problems.push('An address in the input is longer than 8 KB and was skipped.');
      continue;
    }
    const start = m.index ?? 0;
    let candidate = m[0];
    // A URL opened by a quote ends at the matching quote; otherwise `'` may be part of a token.
    if (line[start - 1] === "'" && candidate.includes("'")) candidate = candidate.slice(0, candidate.indexOf("'"));
    const after = line.slice(start + m[0].length);
    // Sentence punctuation belongs to the prose around a URL; a URL alone on its line keeps every character.
    const alone = /^\s*(?:or\s+)?$/.test(line.slice(0, start)) && /^(?:\s*$| :: )/.test(after);
    if (!alone) candidate = trimTrailingPunctuation(candidate);
    if (/^file:/i.test(candidate)) {
      readOpenHtml(candidate, found, result, options);
      continue;
    }
    // A list line (`URL :: root dir`, or under `Currently running servers:`) prints the base URL itself.
    const listLine = state.inServerList || /^ :: /.test(after);
    const parsed = parseServerUrl(candidate, listLine ? { ...context, pathIsBaseUrl: true } : context);
    if (!parsed.ok) {
      result.problems.push(parsed.reason);
      continue;
    }
    const server = parsed.address;
    const dir = /^ :: (.+)$/.exec(after);
    if (dir) server.rootDir = dir[1].trimEnd();
    if (context.kind === 'jupyterhub') {
      server.kind = 'jupyterhub';
      server.hub = { url: server.baseUrl };
    }
    for (const name of wildcardHosts) {
      server.warnings.push(
        `The server printed "(${name} or ${server.host})" because it listens on all interfaces; ${server.host} is used. ` +
          'From another machine, use an address that machine can reach.',
      );
    }
    found.push({ server, aliasOfPrevious: aliasOfPrevious && found.length > 0 });
  }
  if (matched) return;

  // A bare `host:port/…` with no scheme, alone on its line (typed or pasted on its own).
  const bare = line.trim();
  if (!bare || bare.length > 2048 || !BARE_HOST_PORT.test(bare)) return;
  const hostPart = bare.split(/[/?#]/)[0];
  const hasPort = /:\d{1,5}$/.test(hostPart);
  const hostOnly = hostPart.replace(/:\d{1,5}$/, '');
  const plausibleHost =
    hasPort || hostOnly === 'localhost' || /^[\d.]+$/.test(hostOnly) || hostOnly.startsWith('[') ||
    (state.onlyLine && /\.[a-z]{2,63}$/i.test(hostOnly));
  if (!plausibleHost) return;
  const parsed = parseServerUrl(bare, context);
  if (parsed.ok) found.push({ server: parsed.address, aliasOfPrevious: false });
}

/** Drops sentence punctuation a URL picked up in prose, keeping balanced brackets (`http://[::1]`). */
function trimTrailingPunctuation(url: string): string {
  if (/[?&]token=(?:\.\.\.|…)$/.test(url)) return url; // the masked token servers print is not punctuation
  // Running counts keep this linear even for a hostile run of closing brackets.
  let open = 0;
  let close = 0;
  let openSq = 0;
  let closeSq = 0;
  for (const c of url) {
    if (c === '(') open++;
    else if (c === ')') close++;
    else if (c === '[') openSq++;
    else if (c === ']') closeSq++;
  }
  let end = url.length;
  for (;;) {
    const c = url[end - 1];
    if (c === '.' || c === ',' || c === ';' || c === '!' || c === '?' || c === ':' || c === "'") end--;
    else if (c === ')' && open < close) {
      end--;
      close--;
    } else if (c === ']' && openSq < closeSq) {
      end--;
      closeSq--;
    } else break;
  }
  return url.slice(0, end);
}

/** `file:///…/jpserver-PID-open.html`: the page the server writes holds the full token URL. */
function readOpenHtml(fileUrl: string, found: Found[], result: ParseResult, options: ParseOptions): void {
  let path = fileUrl.replace(/^file:\/\//i, '');
  try {
    path = decodeURIComponent(path);
  } catch {
    // keep it as written
  }
  const content = options.readLocalFile?.(path);
  if (content === undefined) {
    result.problems.push(
      `${fileUrl} is a file on the server's machine: open it there, or paste one of the http:// URLs printed next to it.`,
    );
    return;
  }
  const refresh = /url=(https?:\/\/[^"'\s>]+)/i.exec(content);
  const parsed = refresh ? parseServerUrl(decodeHtml(refresh[1]), { printedByServer: true }) : undefined;
  if (parsed?.ok) found.push({ server: parsed.address, aliasOfPrevious: false });
  else result.problems.push(`${fileUrl} does not contain a server URL.`);
}

function decodeHtml(s: string): string {
  return s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
}
