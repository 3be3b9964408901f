import { JupyterError } from '../http';

/** An id (kernel, session, terminal, Hub user or server name) that cannot go into a URL as one segment. */
export class BadResourceIdError extends JupyterError {
  override readonly name: string = 'BadResourceIdError';
}

// `.` and `..` survive encodeURIComponent, and URL resolution then walks them: `api/kernels/..` is
// `api/`, so a kernel id of `..` would shut down or open whatever lives one level up. `/` is encoded,
// but proxies and servers that decode %2F before routing split on it again. Control characters are
// never part of a real id and only make logs and messages lie. `\` stays allowed: Hub user names
// such as `DOMAIN\alice` exist, and encoded it is one segment everywhere.
const UNSAFE = /[/\x00-\x1f\x7f]/;

/** Whether `id` can stand as one path segment of a URL: not empty, `.` or `..`, no `/` or control character. */
export function isSafeIdSegment(id: string): boolean {
  return id !== '' && id !== '.' && id !== '..' && !UNSAFE.test(id);
}

/**
 * `id` percent-encoded as one URL path segment (`api/kernels/<this>`), or a BadResourceIdError when
 * it would change the address it goes into. `what` names it in the message ("kernel id").
 */
export function idSegment(id: string, what: string): string {
  if (!isSafeIdSegment(id)) {
    const shown = JSON.stringify(id.length > 60 ? `${id.slice(0, 60)}…` : id);
    throw new BadResourceIdError(`Refused the ${what} ${shown}: an id cannot be empty, "." or "..", or hold "/" or a control character.`);
  }
  return encodeURIComponent(id);
}
