/**
 * Sweep results as a text table, and as a self-contained HTML page with an inline SVG chart (p50 latency
 * against throughput, one line per provider and thread count, points labelled by batch size). Every string
 * from the model or the system goes through escapeHtml.
 */
import { escapeHtml } from '../../protocol/escapeHtml';
import { reportPageHtml } from './html/reportPage';
import { formatInputPlan } from '../graph/inputPlan';
import type { SweepPoint, SweepResult } from '../sweep/sweep';

const mb = (b: number | null): string => (b === null ? '–' : `${(b / 2 ** 20).toFixed(1)}`);

/** Column headings of the sweep table, and one point's cells in that order (text, HTML and the extension). */
export const SWEEP_COLUMNS = ['ep', 'threads', 'batch', 'p50 ms', 'p90 ms', 'items/s', 'RSS+ MiB', 'est MiB'];

/** The HTML table head matching `sweepPointCells` (longer labels than the text table's). */
export const SWEEP_TABLE_HEAD =
  '<thead><tr><th>EP</th><th>threads</th><th>batch</th><th>p50 ms</th><th>p90 ms</th><th>items/s</th><th>peak RSS growth MiB</th><th>estimated MiB</th></tr></thead>';

export function sweepPointCells(p: SweepPoint): string[] {
  return [
    p.provider,
    String(p.threads),
    String(p.batch),
    p.p50Ms.toFixed(2),
    p.p90Ms.toFixed(2),
    p.throughput.toFixed(1),
    mb(p.peakRssGrowthBytes),
    mb(p.estimatedBytes),
  ];
}

function batchDimText(r: SweepResult): string {
  const bd = r.batchDim;
  if (!bd) return 'batch: fixed by the model';
  return `batch dim: first dim of ${bd.inputs.join(', ')}${bd.symbol ? ` ('${bd.symbol}')` : ' (unnamed)'}`;
}

export function renderSweepText(r: SweepResult): string {
  const head = SWEEP_COLUMNS;
  const rows = r.points.map(sweepPointCells);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  const lines = [
    `${batchDimText(r)}; ${r.runs} measured runs per point; memory cap ${mb(r.memoryCapBytes)} MiB`,
    fmt(head),
    ...rows.map(fmt),
    ...r.skipped.map(
      (s) =>
        `skipped ${s.provider}${s.threads ? ` threads=${s.threads}` : ''}${s.batch ? ` batch=${s.batch}` : ''}: ${s.reason}`,
    ),
    r.memoryNote,
    `recommendation: ${r.recommendation.reason}`,
    ...(r.inputPlan ? [formatInputPlan(r.inputPlan)].filter(Boolean) : []),
  ];
  return lines.join('\n');
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

/** The latency-vs-throughput chart as an SVG element. */
export function sweepChartSvg(
  points: readonly SweepPoint[],
  budgetMs: number | null,
  width = 640,
  height = 380,
): string {
  const m = { l: 60, r: 150, t: 20, b: 45 };
  const w = width - m.l - m.r;
  const h = height - m.t - m.b;
  const maxX = Math.max(1e-9, ...points.map((p) => p.throughput)) * 1.05;
  const maxY = Math.max(1e-9, budgetMs ?? 0, ...points.map((p) => p.p50Ms)) * 1.1;
  const x = (v: number): number => m.l + (v / maxX) * w;
  const y = (v: number): number => m.t + h - (v / maxY) * h;
  const series = new Map<string, SweepPoint[]>();
  for (const p of points) {
    const k = `${p.provider} · ${p.threads} thread${p.threads > 1 ? 's' : ''}`;
    series.set(k, [...(series.get(k) ?? []), p]);
  }
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="p50 latency against throughput">`,
    `<line x1="${m.l}" y1="${m.t + h}" x2="${m.l + w}" y2="${m.t + h}" stroke="#888"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${m.t + h}" stroke="#888"/>`,
    `<text x="${m.l + w / 2}" y="${height - 8}" text-anchor="middle" font-size="12">throughput (items/s)</text>`,
    `<text transform="translate(14 ${m.t + h / 2}) rotate(-90)" text-anchor="middle" font-size="12">p50 latency (ms)</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const vx = (maxX * i) / 4;
    const vy = (maxY * i) / 4;
    parts.push(
      `<text x="${x(vx).toFixed(1)}" y="${m.t + h + 16}" text-anchor="middle" font-size="10">${vx.toFixed(0)}</text>`,
      `<text x="${m.l - 6}" y="${(y(vy) + 3).toFixed(1)}" text-anchor="end" font-size="10">${vy.toFixed(1)}</text>`,
    );
  }
  if (budgetMs !== null)
    parts.push(
      `<line x1="${m.l}" y1="${y(budgetMs).toFixed(1)}" x2="${m.l + w}" y2="${y(budgetMs).toFixed(1)}" stroke="#999" stroke-dasharray="4 3"/>`,
      `<text x="${m.l + w - 4}" y="${(y(budgetMs) - 4).toFixed(1)}" text-anchor="end" font-size="10">budget ${budgetMs} ms</text>`,
    );
  [...series].forEach(([label, pts], i) => {
    const c = COLORS[i % COLORS.length]!;
    const sorted = [...pts].sort((a, b) => a.batch - b.batch);
    parts.push(
      `<polyline fill="none" stroke="${c}" stroke-width="2" points="${sorted.map((p) => `${x(p.throughput).toFixed(1)},${y(p.p50Ms).toFixed(1)}`).join(' ')}"/>`,
    );
    for (const p of sorted)
      parts.push(
        `<circle cx="${x(p.throughput).toFixed(1)}" cy="${y(p.p50Ms).toFixed(1)}" r="3.5" fill="${c}"><title>${escapeHtml(`${label}, batch ${p.batch}: p50 ${p.p50Ms.toFixed(2)} ms, ${p.throughput.toFixed(1)} items/s`)}</title></circle>`,
        `<text x="${(x(p.throughput) + 5).toFixed(1)}" y="${(y(p.p50Ms) - 5).toFixed(1)}" font-size="9" fill="${c}">b${p.batch}</text>`,
      );
    parts.push(
      `<line x1="${m.l + w + 12}" y1="${m.t + 12 + i * 18}" x2="${m.l + w + 30}" y2="${m.t + 12 + i * 18}" stroke="${c}" stroke-width="2"/>`,
      `<text x="${m.l + w + 35}" y="${m.t + 16 + i * 18}" font-size="11">${escapeHtml(label)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

export function renderSweepHtml(r: SweepResult, modelLabel: string): string {
  const rows = r.points
    .map(
      (p) =>
        `<tr>${sweepPointCells(p)
          .map((c) => `<td>${escapeHtml(c)}</td>`)
          .join('')}</tr>`,
    )
    .join('\n');
  const skipped = r.skipped
    .map(
      (s) =>
        `<li>${escapeHtml(`${s.provider}${s.threads ? ` threads=${s.threads}` : ''}${s.batch ? ` batch=${s.batch}` : ''}: ${s.reason}`)}</li>`,
    )
    .join('');
  return reportPageHtml({
    title: `Sweep: ${modelLabel}`,
    style:
      'body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:right}th{background:#f4f4f4}',
    body: `<h1>Compute-scaling sweep</h1>
<p>${escapeHtml(modelLabel)} — ${escapeHtml(batchDimText(r))}; ${r.runs} measured runs per point.</p>
<p><strong>Recommendation:</strong> ${escapeHtml(r.recommendation.reason)}</p>
${sweepChartSvg(r.points, r.budgetMs)}
<table>${SWEEP_TABLE_HEAD}
<tbody>
${rows}
</tbody></table>
<p>${escapeHtml(r.memoryNote)}</p>
${skipped ? `<ul>${skipped}</ul>` : ''}`,
  });
}
