/** Plain-text rendering of advice (the CLI's default output). */
import { formatInputPlan } from '../graph/inputPlan';
import type { Suggestion } from '../advise/adviceTypes';
import type { AdviceResult } from '../advise/advise';
import { describeCpu } from '../advise/cpuFeatures';
import { formatRuleCalibration } from '../advise/calibration';
import type { TrialResult } from '../advise/trial';
import { formatBytes } from './format';

const pct = (x: number): string => `${x >= 0 ? '' : '−'}${Math.abs(100 * x).toFixed(1)}%`;

function evidenceLine(e: Suggestion['evidence']): string {
  return Object.entries(e)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toPrecision(3)) : v}`)
    .join(', ');
}

function gainLine(s: Suggestion): string {
  const g = s.estimated;
  const parts: string[] = [];
  if (g.latencyFraction > 0) parts.push(`${pct(g.latencyFraction)} latency`);
  if (g.bytesSaved > 0) parts.push(`${formatBytes(g.bytesSaved)} weights`);
  if (g.memoryBytesSaved > 0) parts.push(`${formatBytes(g.memoryBytesSaved)} activations`);
  return `estimated: ${parts.join(', ') || 'no gain claimed'} (${g.basis})`;
}

function measuredLine(s: Suggestion): string | undefined {
  const m = s.measured;
  if (!m) return s.trialNote ? `trial: ${s.trialNote}` : undefined;
  return `measured: ${pct(m.latencyFraction)} latency ±${pct(m.noise)} (${m.originalMs.toFixed(2)} → ${m.candidateMs.toFixed(2)} ms, ${m.runs} alternating runs), size ×${m.sizeRatio.toFixed(2)}, output cosine ${m.cosine.toFixed(5)}, max abs error ${m.maxAbsError.toPrecision(3)}`;
}

/** "variants: as suggested −2.1% latency; with Q/DQ on outputs too 45.0% latency (offered)". */
function variantsLine(s: Suggestion): string | undefined {
  if (!s.variants) return undefined;
  const cli = s.action.kind === 'manual' ? undefined : s.action.cli;
  const one = (v: NonNullable<Suggestion['variants']>[number]): string =>
    `${v.label} ${v.measured ? `${pct(v.measured.latencyFraction)} latency, size ×${v.measured.sizeRatio.toFixed(2)}, cosine ${v.measured.cosine.toFixed(4)}` : (v.note ?? 'not measured')}${v.cli === cli ? ' (offered)' : ''}`;
  return `variants tried: ${s.variants.map(one).join('; ')}`;
}

/** Each measured suggestion's estimate next to its measurement: how far the rule was off, this run. */
function estimateErrorLines(measured: readonly Suggestion[]): string[] {
  const rows = measured.filter((s) => s.measured);
  if (!rows.length) return [];
  return [
    '',
    'estimate vs measured (latency saved; this run):',
    ...rows.map((s) => {
      const est = s.estimated.raw ?? s.estimated.latencyFraction;
      const got = s.measured!.latencyFraction;
      return `  ${s.rule}: estimated ${pct(est)}, measured ${pct(got)}, off by ${pct(got - est).replace('%', ' pts')}`;
    }),
  ];
}

/** The advice, with a trial's measurements, dropped suggestions and estimate errors when one ran. */
export function renderAdviceText(
  result: AdviceResult,
  trial?: Pick<TrialResult, 'suggestions' | 'rejected' | 'noise'>,
): string {
  const suggestions = trial?.suggestions ?? result.suggestions;
  const noise = trial?.noise;
  const lines: string[] = [
    `CPU: ${describeCpu(result.cpu)} (${result.cpu.source}); providers: ${result.providers.join(', ')}`,
    `latency shares from ${result.shareSource === 'profile' ? 'a profile' : 'static FLOPs (no profile)'}${result.runtimeChecks ? '; checked against onnxruntime' : ''}`,
  ];
  const plan = formatInputPlan(result.inputPlan);
  if (plan) lines.push(plan);
  for (const u of result.unavailableProviders) lines.push(`provider ${u.name} unavailable: ${u.reason}`);
  if (noise)
    lines.push(
      `noise band ±${(100 * noise.band).toFixed(1)}% (A/A ratio ${noise.aaRatio.toFixed(3)}, pair IQR ${noise.aaSpread[0].toFixed(3)}–${noise.aaSpread[1].toFixed(3)})`,
    );
  for (const c of result.calibration) lines.push(`calibration on this CPU: ${formatRuleCalibration(c)}`);
  if (!suggestions.length) lines.push('', 'no suggestions: nothing in the rules applies to this model');
  suggestions.forEach((s, i) => {
    lines.push('', `${i + 1}. [${s.severity}, ${s.confidence} confidence] ${s.title}`, `   ${s.detail}`);
    lines.push(`   ${gainLine(s)}`);
    for (const extra of [measuredLine(s), variantsLine(s)]) if (extra) lines.push(`   ${extra}`);
    lines.push(`   evidence: ${evidenceLine(s.evidence)}`);
    if (s.nodes.length)
      lines.push(`   nodes (${s.nodes.length}): ${s.nodes.slice(0, 6).join(', ')}${s.nodes.length > 6 ? ', ...' : ''}`);
    const a = s.action;
    lines.push(`   action: ${a.kind === 'manual' ? a.instructions : a.cli}`);
  });
  // Measured slower by their own trial: not advice, but the figure shows why it is gone.
  for (const s of trial?.rejected ?? []) {
    lines.push(`dropped: ${s.title} — ${s.trialNote}`);
    const v = variantsLine(s);
    if (v) lines.push(`   ${v}`);
  }
  if (trial) lines.push(...estimateErrorLines([...trial.suggestions, ...trial.rejected]));
  return lines.join('\n');
}
