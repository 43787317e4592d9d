/**
 * A self-contained HTML rendering of a profile report: one file, no scripts, no network (a CSP forbids
 * both), an inline-SVG bar chart of time per op type and the node table sorted by p50. Every string that
 * comes from the model or the user (names, ops, paths) is escaped.
 */
import { trustOf } from '../../profile/profileTrust';
import { formatDistribution } from '../../graph/inputValueRanges';
import type { ProfileReport } from '../profileReport';
import { escapeHtml as e } from '../../../protocol/escapeHtml';
import { reportPageHtml } from './reportPage';

const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(v >= 0.1 ? 2 : 3));
const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
const mb = (b: number | null): string => (b === null ? '?' : (b / (1024 * 1024)).toFixed(2));

const CHART_BARS = 15;

function opChart(r: ProfileReport): string {
  const ops = r.opTypes.slice(0, CHART_BARS);
  const max = Math.max(...ops.map((o) => o.meanMs), 1e-9);
  const row = 22;
  const labelW = 160;
  const barW = 420;
  const bars = ops
    .map((o, i) => {
      const w = Math.max(1, (o.meanMs / max) * barW);
      const y = i * row;
      return (
        `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end">${e(o.op)}</text>` +
        `<rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${row - 6}" fill="#4a7fd4"><title>${e(o.op)}: ${ms(o.meanMs)} ms, ${o.nodes} nodes</title></rect>` +
        `<text x="${(labelW + w + 6).toFixed(1)}" y="${y + 15}">${ms(o.meanMs)} ms (${pct(o.share)})</text>`
      );
    })
    .join('');
  return `<svg role="img" aria-label="time per op type" width="${labelW + barW + 140}" height="${ops.length * row}" font-size="12" font-family="sans-serif">${bars}</svg>`;
}

function nodeTable(r: ProfileReport): string {
  const rows = r.nodes
    .map((n, i) => {
      const covers = n.match === 'exact' ? '' : `${n.match}${n.nodes.length ? `: ${n.nodes.join(', ')}` : ''}`;
      return (
        `<tr><td>${i + 1}</td><td class="name">${e(n.graphPath ? `${n.graphPath}/${n.name}` : n.name)}</td><td>${e(n.op)}</td>` +
        `<td class="num">${ms(n.p50Ms)}</td><td class="num">${ms(n.p90Ms)}</td><td class="num">${pct(n.share)}</td>` +
        `<td class="num">${n.calls.toFixed(n.calls % 1 ? 1 : 0)}</td><td class="num">${mb(n.outputBytes)}</td>` +
        `<td class="num">${mb(n.graphParamBytes ?? n.paramBytes)}</td><td class="covers">${e(covers)}</td></tr>`
      );
    })
    .join('\n');
  return (
    '<table><thead><tr><th>#</th><th>node</th><th>op</th><th>p50 ms</th><th>p90 ms</th><th>share</th><th>calls</th>' +
    `<th>output MB</th><th>params MB</th><th>covers</th></tr></thead><tbody>\n${rows}\n</tbody></table>`
  );
}

export function renderProfileHtml(r: ProfileReport): string {
  const s = r.settings;
  const lat = r.latency;
  const facts: [string, string][] = [
    ['model', r.file],
    [
      'settings',
      `${s.executionProvider}, ${s.intraOpThreads ?? 'default'} intra-op threads, ${s.warmup} warm-up + ${s.runs} runs`,
    ],
    ['graph', r.levelNote],
    ['inputs', r.inputs.map((i) => `${i.name} ${i.type}[${i.dims.join('x')}] (${i.origin})`).join(', ')],
    ...(r.inputPlan?.assumed.length
      ? ([
          [
            'assumed dims',
            r.inputPlan.assumed
              .map((d) => `${d.input}[${d.axis}]${d.symbol ? ` ${d.symbol}` : ''} = ${d.value} (${d.reason})`)
              .join('; '),
          ],
        ] as [string, string][])
      : []),
    ...(r.inputPlan?.ranges.length
      ? ([
          [
            'input values',
            r.inputPlan.ranges.map((v) => `${v.input}: ${formatDistribution(v.distribution)} (${v.reason})`).join('; '),
          ],
        ] as [string, string][])
      : []),
    [
      'latency p50 (plain)',
      lat.plain
        ? `${ms(lat.plain.p50)} ms (p90 ${ms(lat.plain.p90)}, min ${ms(lat.plain.min)}, max ${ms(lat.plain.max)})`
        : 'not measured',
    ],
    ['latency p50 (profiled)', `${ms(lat.profiled.p50)} ms (p90 ${ms(lat.profiled.p90)})`],
    ['profiler overhead', lat.profilerOverhead === null ? 'not measured' : `${lat.profilerOverhead.toFixed(2)}×`],
    ['nodes explain', `${pct(r.attribution.coverage)} of model_run`],
    ['peak RSS growth', r.memory.peakRssGrowthBytes === null ? 'unavailable' : `${mb(r.memory.peakRssGrowthBytes)} MB`],
    ['created', r.createdAt],
  ];
  return reportPageHtml({
    title: `Profile: ${r.file}`,
    style: `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
table { border-collapse: collapse; font-size: 13px; }
td, th { padding: 3px 8px; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.name, td.covers { font-family: ui-monospace, monospace; word-break: break-all; max-width: 480px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; }
dt { color: #666; }
.warning { border-left: 4px solid #c80; background: #fff6e5; padding: 6px 10px; margin: 8px 0; }
`,
    body: `<h1>Profile</h1>
${trustOf(r)
  .warnings.map((w) => `<p class="warning" role="note"><b>Per-node shares are approximate:</b> ${e(w)}</p>`)
  .join('')}
<dl>${facts.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>
<h2>Time per op type</h2>
${opChart(r)}
<h2>Nodes by p50 (${r.nodes.length})</h2>
${nodeTable(r)}
<p>Report schema version ${r.schemaVersion}.</p>`,
  });
}
