/** The plain-text rendering of a profile report (the CLI's default output). */
import { formatInputPlan } from '../graph/inputPlan';
import { formatBytes, table } from './format';
import type { LatencyStats, ProfileReport } from './profileReport';
import { trustOf } from '../profile/profileTrust';
import { terminalSafe } from './terminalText';

const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(v >= 0.1 ? 2 : 3));
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
const mb = (bytes: number | null): string => (bytes === null ? '?' : (bytes / (1024 * 1024)).toFixed(2));

function latencyLine(label: string, s: LatencyStats): string {
  return `${label.padEnd(22)} p50 ${ms(s.p50)} ms  p90 ${ms(s.p90)} ms  min ${ms(s.min)} ms  max ${ms(s.max)} ms  (${s.runs} runs)`;
}

/** `width`: the terminal's, to which long node names are shortened in the middle (full names are in --json). */
export function renderProfileText(r: ProfileReport, top = 20, width?: number): string {
  const rows = r.nodes
    .slice(0, top)
    .map((n) => [
      terminalSafe(n.graphPath ? `${n.graphPath}/${n.name}` : n.name),
      n.match === 'exact' ? n.op : `${n.op} (${n.match}${n.nodes.length ? `: ${plural(n.nodes.length, 'node')}` : ''})`,
      ms(n.p50Ms),
      pct(n.share),
      mb(n.outputBytes),
      mb(n.graphParamBytes ?? n.paramBytes),
    ]);
  const s = r.settings;
  const lines = [
    `${r.file}`,
    `${s.executionProvider}, ${s.intraOpThreads === null ? 'default threads' : plural(s.intraOpThreads, 'thread')}, ${s.warmup} warm-up + ${s.runs} measured runs`,
    r.levelNote,
    `inputs: ${r.inputs.map((i) => `${i.name} ${i.type}[${i.dims.join('x')}] (${i.origin})`).join(', ')}`,
    ...(r.assumedDims.length
      ? [`assumed 1 for dims: ${r.assumedDims.join(', ')} (set them with --dims or --shape)`]
      : []),
    ...(r.inputPlan ? [formatInputPlan(r.inputPlan)].filter(Boolean) : []),
    '',
    `top ${rows.length} of ${r.nodes.length} nodes by p50:`,
    table(['node', 'op', 'p50 ms', 'share', 'act MB', 'params MB'], rows, width),
    '',
    'by op type:',
    table(
      ['op', 'nodes', 'mean ms', 'share'],
      r.opTypes.slice(0, 10).map((o) => [o.op, String(o.nodes), ms(o.meanMs), pct(o.share)]),
    ),
    '',
    latencyLine('latency (plain)', r.latency.plain ?? r.latency.profiled),
    latencyLine('latency (profiled)', r.latency.profiled),
    ...(r.latency.profilerOverhead !== null
      ? [`profiler overhead      ${r.latency.profilerOverhead.toFixed(2)}x (profiled p50 / plain p50)`]
      : []),
    `nodes explain          ${pct(r.attribution.coverage)} of model_run (${ms(r.attribution.nodeMs)} of ${ms(r.attribution.modelRunMs)} ms)`,
    `peak RSS growth        ${r.memory.peakRssGrowthBytes === null ? 'unavailable' : formatBytes(r.memory.peakRssGrowthBytes)} during the measured runs` +
      (r.memory.arenaPeakBytes !== null ? `; CPU arena peak ${formatBytes(r.memory.arenaPeakBytes)}` : ''),
    ...trustOf(r).warnings.map((w) => `warning: ${w}`),
  ];
  return lines.join('\n');
}
