/** Number formatting shared by the text renderings (CLI tables, Markdown). */
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

/**
 * Shortens `text` to `max` characters by cutting its middle ("backbone/stage3/…/conv2/Conv"): node names
 * differ at both ends (scope and op), so both ends are kept.
 */
export function middleEllipsis(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return text.slice(0, max);
  const head = Math.ceil((max - 1) / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
}

/**
 * Renders rows as an aligned plain-text table. With `width` (the terminal's), the first column (names) is
 * shortened in the middle so that a row fits; the other columns are numbers and never cut.
 */
export function table(header: string[], rows: string[][], width?: number): string {
  const rest = (i: number): number => Math.max(header[i]!.length, ...rows.map((r) => (r[i] ?? '').length));
  if (width !== undefined && header.length > 1) {
    const others = header.slice(1).reduce((sum, _, k) => sum + rest(k + 1) + 2, 0);
    const first = Math.max(header[0]!.length, 16, width - others - 1);
    rows = rows.map((r) => [middleEllipsis(r[0] ?? '', first), ...r.slice(1)]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
