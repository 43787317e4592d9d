/**
 * The automatic optimize's decision in words, the same in the CLI and the extension: the verdict first, then
 * one line per candidate with its measurements (or why it was not measured).
 */
import type { AccuracyGate } from '../verify/verdict';
import { coverageText } from '../verify/optimizedGraph';
import type { AutoOptimizeResult } from '../optimize/autoOptimize';

export function autoVerdictLines(result: AutoOptimizeResult, gate: AccuracyGate): string[] {
  const best = result.best === undefined ? undefined : result.results[result.best];
  const lines = [
    best?.verdict
      ? `verdict: ${best.candidate.name}: ${best.verdict.line}`
      : `verdict: nothing improved the model (gate: min cosine ${gate.minCosine}, argmax ${(gate.minArgmaxAgreement * 100).toFixed(1)}%) — no file written`,
  ];
  for (const r of result.results)
    lines.push(
      `  ${r.candidate.name.padEnd(20)} ${r.verdict ? r.verdict.line : `not measured: ${r.skipped}`}${r.coverage?.length ? ` [${coverageText(r.coverage)}]` : ''}`,
    );
  return lines;
}
