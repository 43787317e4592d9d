/** Plain-text rendering of the inspect report for the terminal. */
import { formatCoverage } from '../graph/costModel';
import { formatInputPlan } from '../graph/inputPlan';
import type { Dim } from '../graph/dims';
import { formatBytes, formatCount, formatQuantity, table } from './format';
import type { InspectReport, NodeSummary, TensorSignature } from './inspectReport';
import { terminalSafe as safe, terminalSafeLines } from './terminalText';

function shapeText(s: Dim[] | null): string {
  return s ? `[${s.map((d) => (d === null ? '?' : safe(String(d)))).join(', ')}]` : '?';
}

function signatures(list: TensorSignature[]): string {
  return list.map((t) => `  ${safe(t.name)}: ${t.dtype} ${shapeText(t.shape)}`).join('\n');
}

function nodeRows(list: NodeSummary[]): string[][] {
  return list.map((n) => [
    safe(n.graphPath ? `${n.graphPath}/${n.name}` : n.name),
    safe(n.op),
    formatCount(n.flops),
    formatBytes(n.outputBytes),
    formatBytes(n.paramBytes),
  ]);
}

/** `width`: the terminal's, to which long node names are shortened in the middle (full names are in --json). */
export function renderInspectText(r: InspectReport, width?: number): string {
  const ops = Object.entries(r.opCounts)
    .sort((a, b) => b[1] - a[1])
    .map(([op, n]) => `${safe(op)} ${n}`)
    .join(', ');
  const dtypes = Object.entries(r.parameters.byDtype)
    .map(([dt, v]) => `${dt} ${formatCount(v.count)} (${formatBytes(v.bytes)})`)
    .join(', ');
  const lines = [
    safe(r.file),
    `  ${formatBytes(r.fileBytes)} on disk${r.externalBytes ? ` + ${formatBytes(r.externalBytes)} external data` : ''}, IR ${r.irVersion}, opset ${r.opsets.map((o) => `${safe(o.domain)} ${o.version}`).join(', ')}`,
    `  producer: ${safe(r.producer.name) || '(none)'} ${safe(r.producer.version)}`.trimEnd(),
    '',
    'inputs:',
    signatures(r.inputs),
    'outputs:',
    signatures(r.outputs),
    '',
    `nodes: ${r.nodeCount} in the main graph${r.subgraphCount ? `, ${r.nodeCountAll} with ${r.subgraphCount} subgraph(s)` : ''}${r.constantNodeCount ? ` (${r.constantNodeCount} Constant)` : ''}`,
    `  ${ops}`,
    `parameters: ${formatCount(r.parameters.count)} (${formatBytes(r.parameters.bytes)}): ${dtypes || 'none'}`,
    `compute: ${formatQuantity(r.totals.flops, 'FLOPs')} (${formatQuantity(r.totals.macs, 'MACs')})${r.totals.unknownCostNodes ? ' (a lower bound)' : ''}`,
    `  ${formatCoverage(r.totals.coverage)}`,
    `peak memory estimate: ${formatBytes(r.peakMemory.activationBytes)} activations at '${safe(r.peakMemory.atNode)}' + ${formatBytes(r.parameters.bytes)} weights = ${formatBytes(r.peakMemory.totalBytes)}${r.peakMemory.unknownSizes ? ` (lower bound: ${r.peakMemory.unknownSizes} tensor size(s) unknown)` : ''}`,
  ];
  if (r.dims.open.length)
    lines.push(
      `open dims: ${r.dims.open.map(safe).join(', ')} (set them with --dims ${r.dims.open.map((d) => `${safe(d)}=N`).join(',')})`,
    );
  const plan = formatInputPlan(r.inputPlan);
  if (plan) lines.push(terminalSafeLines(plan));
  if (r.unsupportedOps.length) lines.push(`ops without shape rules: ${r.unsupportedOps.map(safe).join(', ')}`);
  for (const p of r.problems) lines.push(`problem: ${safe(p)}`);
  const header = ['node', 'op', 'FLOPs', 'output', 'params'];
  lines.push('', 'top nodes by FLOPs:', table(header, nodeRows(r.topByFlops), width));
  lines.push('', 'top nodes by activation bytes:', table(header, nodeRows(r.topByActivation), width));
  return lines.join('\n');
}
