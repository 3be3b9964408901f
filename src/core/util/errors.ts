/** The message of anything thrown, for one sentence shown or logged. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
