/**
 * The one unit policy: bytes in binary units (`1.13 MB`), times in ms or µs (`5.43 ms`, `812 µs`), counts with
 * SI prefixes and a spaced unit (`1.23 GFLOPs`, `7 FLOPs`). Used by the CLI, the reports, the tree view and the
 * graph webview alike, so it lives in src/protocol (no runtime dependencies; both sides import it).
 */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '?';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${units[u]}`;
}

/** Microseconds as "812 µs" or "5.43 ms". */
export function formatMs(us: number): string {
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(us >= 100 ? 0 : 1)} µs`;
}

/** 1234567 → "1.23 G" style, for FLOPs and counts. */
export function formatCount(n: number | null): string {
  if (n === null) return '?';
  const units = ['', ' K', ' M', ' G', ' T', ' P'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? String(Math.round(v)) : `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)}${units[u]}`;
}

/** "7 FLOPs", "1.23 GFLOPs", "35.1 MMACs": a count with its unit, spaced as SI writes it. */
export function formatQuantity(n: number | null, unit: string): string {
  const count = formatCount(n);
  return count.includes(' ') ? `${count}${unit}` : `${count} ${unit}`;
}
