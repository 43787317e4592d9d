/** Text formatting for the renderings (CLI tables, Markdown); the units themselves are src/protocol/units.ts. */
export { formatBytes, formatCount, formatMs, formatQuantity } from '../../protocol/units';

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
