/**
 * The click-to-exclude loop's table (issue 18): one row per optimize of the same model with a growing list of
 * nodes kept float — measured latency, size, worst output cosine and what was excluded — and a "keep this one"
 * link per row. Static markup (the comparison panel runs no script); the link is a command URI the caller makes.
 */
import { escapeHtml } from '../../protocol/escapeHtml';
import { formatBytes } from '../../protocol/units';
import { speedText } from '../verify/verdict';

export interface IterationRow {
  /** The optimized file this iteration wrote; empty for a search round measured in memory only. */
  readonly file: string;
  /** Exact names of the nodes kept float in it. */
  readonly keepFloat: readonly string[];
  /** Exact names of the nodes run in float16 instead of int8 ("Keep in fp16"; absent: none). */
  readonly keepFp16?: readonly string[];
  /** Median latency of the optimized model and its ratio to the original's, when the comparison timed them. */
  readonly latency?: { readonly ms: number; readonly ratio: number };
  readonly sizeBytes: number;
  readonly sizeRatio: number;
  /** The worst output's cosine against the original. */
  readonly minCosine: number;
}

/** The best row: the fastest of those within 0.001 of the highest cosine (the trade the loop is looking for). */
export function bestIteration(rows: readonly IterationRow[]): number {
  if (!rows.length) return -1;
  const top = Math.max(...rows.map((r) => r.minCosine));
  let best = -1;
  rows.forEach((r, i) => {
    if (r.minCosine < top - 1e-3) return;
    if (best < 0 || (r.latency?.ratio ?? Infinity) < (rows[best]!.latency?.ratio ?? Infinity)) best = i;
  });
  return best;
}

function excludedText(names: readonly string[]): string {
  if (!names.length) return '(none)';
  return names.length <= 4 ? names.join(', ') : `${names.slice(0, 4).join(', ')} … (+${names.length - 4})`;
}

export function iterationTableHtml(rows: readonly IterationRow[], keepLink: (row: IterationRow) => string): string {
  const best = bestIteration(rows);
  const body = rows
    .map((r, i) => {
      const cells = [
        String(i + 1),
        r.latency ? `${r.latency.ms.toFixed(2)} ms (${speedText(r.latency.ratio)})` : 'not timed',
        `${formatBytes(r.sizeBytes)} (${r.sizeRatio.toFixed(2)}×)`,
        r.minCosine.toFixed(4),
        `${r.keepFloat.length}: ${excludedText(r.keepFloat)}${r.keepFp16?.length ? `; fp16 ${r.keepFp16.length}: ${excludedText(r.keepFp16)}` : ''}`,
      ];
      const [n, ...rest] = cells.map(escapeHtml);
      const tds = rest.map((c) => `<td>${c}</td>`).join('');
      // A search round that was measured in memory has no file to keep.
      const keep = r.file
        ? `<td><a class="keep" href="${escapeHtml(keepLink(r))}">keep this one</a></td>`
        : '<td></td>';
      return `<tr class="iteration${i === best ? ' best' : ''}" data-file="${escapeHtml(r.file)}"><th>${n}</th>${tds}${keep}</tr>`;
    })
    .join('');
  return `<table class="iterations"><thead><tr><th>#</th><th>Latency (p50)</th><th>Size</th><th>Min cosine</th><th>Kept float</th><th></th></tr></thead><tbody>${body}</tbody></table>`;
}
