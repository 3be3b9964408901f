/** "512 KiB", "256 MiB": a byte count for a sentence. */
export function formatBytes(n: number): string {
  return n >= 1048576 ? `${Math.round(n / 1048576)} MiB` : n >= 1024 ? `${Math.round(n / 1024)} KiB` : `${n} B`;
}
