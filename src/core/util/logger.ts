/** Core's logging seam; the VS Code layer backs it with one LogOutputChannel, the CLI with stderr. */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const nullLogger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** What our own hints write where a token goes (`?token=YOUR_TOKEN`): the redactor leaves it as it is. */
export const TOKEN_PLACEHOLDER = 'YOUR_TOKEN';

// Values that stand for a secret without being one: our hints' placeholders, the `...` or `…` servers
// print for a hidden token, and an earlier redaction. Rewriting them turned "add ?token=… to the URL"
// into "add ?token=<redacted> to the URL". A trailing `)`, `.`, `,`, `:` or `;` is the sentence's own;
// anything else after the placeholder makes the value a secret again.
const NOT_A_PLACEHOLDER = `(?!(?:${TOKEN_PLACEHOLDER}|YOUR_PASSWORD|\\.\\.\\.|…|<redacted>)[).,:;]*(?:[&#\\s"']|$))`;

const PATTERNS: [RegExp, string][] = [
  // token, password and xsrf values in URLs, query strings and forms
  [new RegExp(`((?:^|[?&#;\\s"'])(?:token|password|new_password|_xsrf|access_token)=)${NOT_A_PLACEHOLDER}[^&#\\s"']+`, 'gi'), '$1<redacted>'],
  // Authorization: token …, Bearer …, Basic …
  [/(authorization["']?\s*[:=]\s*["']?(?:token|bearer|basic)\s+)[^\s"',}]+/gi, '$1<redacted>'],
  // Cookie and Set-Cookie values: keep names, hide values
  [/((?:^|[\s;,{"])(?:_xsrf|username-[\w-]+|jupyterhub-[\w-]+)\s*=\s*)("[^"]*"|[^;\s,"]+)/gi, '$1<redacted>'],
  [/(x-xsrftoken["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, '$1<redacted>'],
];

/**
 * Removes secrets from text bound for a log, an error message or the screen: known secret values
 * (registered as they become known) and anything that looks like a token, password or login cookie.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  /** Remembers a secret value so that it is removed wherever it appears. Short values are ignored. */
  add(secret: string | undefined | null): void {
    if (secret && secret.length >= 4) {
      this.secrets.add(secret);
      this.secrets.add(encodeURIComponent(secret));
    }
  }

  redact(text: string): string {
    let out = text;
    for (const [re, to] of PATTERNS) out = out.replace(re, to);
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join('<redacted>');
    return out;
  }
}

/** A logger that redacts every line before passing it on. */
export function redactingLogger(inner: Logger, redactor: Redactor): Logger {
  return {
    trace: (m) => inner.trace(redactor.redact(m)),
    debug: (m) => inner.debug(redactor.redact(m)),
    info: (m) => inner.info(redactor.redact(m)),
    warn: (m) => inner.warn(redactor.redact(m)),
    error: (m) => inner.error(redactor.redact(m)),
  };
}
