/** Renderings of a CompareReport: plain text for the terminal, and a self-contained HTML page. */
import { escapeHtml } from '../../protocol/escapeHtml';
import { reportPageHtml } from './html/reportPage';
import { formatInputPlan } from '../graph/inputPlan';
import type { CompareReport } from '../verify/compare';
import { rankingOf, type NodeError } from '../verify/localize';

const mb = (b: number): string => `${(b / 2 ** 20).toFixed(2)} MB`;
const fmt = (x: number, digits = 4): string => (Number.isFinite(x) ? x.toPrecision(digits) : String(x));

export function renderCompareText(r: CompareReport): string {
  const lines: string[] = [];
  lines.push(`A: ${r.a}`, `B: ${r.b}`);
  lines.push(`size     ${mb(r.size.a)} → ${mb(r.size.b)}  (${r.size.ratio.toFixed(3)}×)`);
  if (r.latency) {
    const l = r.latency;
    lines.push(
      `latency  p50 ${l.aMedianMs.toFixed(2)} ms → ${l.bMedianMs.toFixed(2)} ms  (${l.ratio.toFixed(3)}×, paired IQR ${l.spread[0].toFixed(3)}–${l.spread[1].toFixed(3)}, ${l.runs} alternating runs` +
        `${r.runtime.intraOpThreads ? `, ${r.runtime.intraOpThreads} threads` : ''}; below 1 = B faster)`,
    );
  }
  lines.push(`nodes    ${r.nodes.a} → ${r.nodes.b}`);
  for (const d of r.nodes.byOp) lines.push(`           ${d.op.padEnd(28)} ${String(d.a).padStart(5)} → ${d.b}`);
  // What the inputs were assumed to be, after the node counts it would otherwise split from their op lines.
  const plan = r.inputPlan ? formatInputPlan(r.inputPlan) : '';
  if (plan) lines.push(plan);
  lines.push(`outputs  (${r.inputSets} input set${r.inputSets === 1 ? '' : 's'})`);
  lines.push(
    `  ${'name'.padEnd(28)} ${'min cos'.padStart(10)} ${'mean cos'.padStart(10)} ${'SNR dB'.padStart(8)} ${'max abs'.padStart(10)} ${'mean abs'.padStart(10)}  argmax`,
  );
  for (const o of r.outputs)
    lines.push(
      `  ${o.name.padEnd(28)} ${o.cosine.toFixed(6).padStart(10)} ${(o.meanCosine ?? o.cosine).toFixed(6).padStart(10)} ${o.snrDb.toFixed(1).padStart(8)} ${fmt(o.maxAbs).padStart(10)} ${fmt(o.meanAbs).padStart(10)}  ${o.argmaxAgreement === undefined ? '-' : `${(o.argmaxAgreement * 100).toFixed(1)}%`}`,
    );
  if (r.unmatchedOutputs.length) lines.push(`  not compared (in one model only): ${r.unmatchedOutputs.join(', ')}`);
  return lines.join('\n');
}

/** What an optimize run adds to the page: its verdict line and the nodes whose outputs diverge most. */
export interface HtmlExtras {
  readonly verdict?: string;
  readonly localized?: readonly NodeError[];
}

export function renderCompareHtml(r: CompareReport, extras: HtmlExtras = {}): string {
  const row = (cells: string[]): string => `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
  const outputs = r.outputs
    .map((o) =>
      row([
        o.name,
        o.cosine.toFixed(6),
        o.snrDb.toFixed(1),
        fmt(o.maxAbs),
        fmt(o.meanAbs),
        o.argmaxAgreement === undefined ? '-' : `${(o.argmaxAgreement * 100).toFixed(1)}%`,
      ]),
    )
    .join('');
  const ops = r.nodes.byOp.map((d) => row([d.op, String(d.a), String(d.b)])).join('');
  const lat = r.latency
    ? row([
        'latency p50',
        `${r.latency.aMedianMs.toFixed(2)} ms`,
        `${r.latency.bMedianMs.toFixed(2)} ms`,
        `${r.latency.ratio.toFixed(3)}× (IQR ${r.latency.spread[0].toFixed(3)}–${r.latency.spread[1].toFixed(3)})`,
      ])
    : '';
  return reportPageHtml({
    title: 'ONNX Tuner comparison',
    style:
      'body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}',
    body: `<h1>Comparison</h1>
${extras.verdict ? `<p><strong>Verdict: ${escapeHtml(extras.verdict)}</strong></p>` : ''}
<p>A: ${escapeHtml(r.a)}<br>B: ${escapeHtml(r.b)}</p>
<table><tr><th></th><th>A</th><th>B</th><th>B/A</th></tr>
${row(['size', mb(r.size.a), mb(r.size.b), `${r.size.ratio.toFixed(3)}×`])}${lat}${row(['nodes', String(r.nodes.a), String(r.nodes.b), ''])}
</table>
<h2>Outputs (${r.inputSets} input sets)</h2>
<table><tr><th>output</th><th>min cosine</th><th>SNR dB</th><th>max abs</th><th>mean abs</th><th>argmax agreement</th></tr>${outputs}</table>
${r.inputPlan ? `<h2>Inputs</h2><pre>${escapeHtml(formatInputPlan(r.inputPlan))}</pre>` : ''}
<h2>Node count changes</h2>
<table><tr><th>op</th><th>A</th><th>B</th></tr>${ops}</table>
${localizedHtml(extras, row)}`,
  });
}

function localizedHtml(extras: HtmlExtras, row: (cells: string[]) => string): string {
  if (!extras.localized?.length) return '';
  const added = rankingOf(extras.localized) === 'added';
  const rows = extras.localized
    .map((e) =>
      row([
        e.node,
        e.op,
        ...(added && e.added ? [e.added.snrDb.toFixed(1), e.added.cosine.toFixed(5)] : []),
        e.snrDb.toFixed(1),
        e.cosine.toFixed(5),
      ]),
    )
    .join('');
  const head = added
    ? '<th>node</th><th>op</th><th>added SNR dB</th><th>added cosine</th><th>output SNR dB</th><th>output cosine</th>'
    : '<th>node</th><th>op</th><th>output SNR dB</th><th>output cosine</th>';
  const title = added
    ? 'Nodes ranked by the error each adds (fed the original&#39;s inputs)'
    : 'Nodes ranked by the accumulated error of their outputs';
  return `<h2>${title}</h2>
<table><tr>${head}</tr>${rows}</table>`;
}
