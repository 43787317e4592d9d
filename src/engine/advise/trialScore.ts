/**
 * How trial mode weighs a measured suggestion: its score, whether it measured slower than the noise band
 * allows, and the ranking that follows once trials ran (measurement beats estimate).
 */
import type { MeasuredGain, Suggestion } from './adviceTypes';

/**
 * Measured score, like the estimate's: the latency fraction saved plus half the size fraction saved; but a
 * slow-down beyond the noise band counts as the loss it is, whatever it saves in bytes.
 */
export function measuredScore(m: MeasuredGain): number {
  if (m.latencyFraction < -m.noise) return m.latencyFraction;
  return m.latencyFraction + 0.5 * (1 - m.sizeRatio);
}

/** Measured slower than the original beyond the A/A noise band. */
export function measuredSlower(m: MeasuredGain): boolean {
  return m.latencyFraction < -m.noise;
}

/**
 * Once trials ran, they decide: measured suggestions rank by measured score, and one measured slower beyond
 * the noise band is dropped from the list (kept aside in `rejected`, at low confidence, with its figure) —
 * issue 20 saw a "high confidence" int8 suggestion listed after its own trial measured it 7× slower.
 */
export function rankByTrials(
  suggestions: readonly Suggestion[],
  done: ReadonlyMap<Suggestion, Suggestion>,
): { suggestions: Suggestion[]; rejected: Suggestion[] } {
  const trialled = [...done.values()].filter((s) => s.measured);
  const kept = trialled.filter((s) => !measuredSlower(s.measured!));
  kept.sort((x, y) => measuredScore(y.measured!) - measuredScore(x.measured!));
  const rejected = trialled
    .filter((s) => measuredSlower(s.measured!))
    .map((s) => ({
      ...s,
      confidence: 'low' as const,
      trialNote: `measured ${(-s.measured!.latencyFraction * 100).toFixed(1)}% slower (noise band ±${(s.measured!.noise * 100).toFixed(1)}%): not recommended`,
    }));
  const rest = suggestions.map((s) => done.get(s) ?? s).filter((s) => !s.measured);
  return { suggestions: [...kept, ...rest], rejected };
}
