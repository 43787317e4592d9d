/**
 * Estimate-vs-measured calibration of the advice rules (issue 20: a rule estimated "44% faster" where its
 * own trial measured +2%). Every `advise --trial` appends one record per measured suggestion — the rule's
 * estimated latency fraction next to the measured one, on this CPU — to a small JSON file; the next advice
 * on the same CPU shifts each rule's estimate by the median error of its records and says so in the basis.
 * A rule whose trials measured it slower is then ranked as slower: past evidence beats the assumption.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { quantile } from '../profile/stats';
import type { RuleId, Suggestion } from './adviceTypes';
import { AS_SUGGESTED } from './trialVariants';

export interface CalibrationRecord {
  readonly rule: RuleId;
  /** describeCpu() of the machine the trial ran on: errors only carry over to the same kind of CPU. */
  readonly cpu: string;
  /** Latency fraction saved: what the rule estimated and what its trial measured (negative: slower). */
  readonly estimated: number;
  readonly measured: number;
  /** The model's file name (for the reader; not used in the arithmetic). */
  readonly model: string;
  readonly at: string;
}

export interface RuleCalibration {
  readonly rule: RuleId;
  readonly trials: number;
  /** Median of measured − estimated over the records (fraction; −0.4 = estimates ran 40 points high). */
  readonly medianError: number;
  readonly meanAbsError: number;
}

/** The most records kept: old trials age out so a changed machine or version is relearned. */
export const MAX_RECORDS = 500;

/**
 * Where `advise --trial` keeps its records: `ONNX_TUNER_CALIBRATION` (a file, or `off`), else the user's
 * cache folder. undefined: calibration is off.
 */
export function defaultCalibrationFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const set = env.ONNX_TUNER_CALIBRATION;
  if (set === 'off') return undefined;
  if (set) return set;
  const cache = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'onnx-tuner', 'advice-calibration.json');
}

function isRecord(x: unknown): x is CalibrationRecord {
  const r = x as Partial<CalibrationRecord> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.rule === 'string' &&
    typeof r.cpu === 'string' &&
    Number.isFinite(r.estimated) &&
    Number.isFinite(r.measured)
  );
}

/** The records in `file`; none when it is missing or unreadable (a damaged cache must not stop advice). */
export function loadCalibration(file: string | undefined): CalibrationRecord[] {
  if (!file) return [];
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    const list = (parsed as { records?: unknown }).records;
    return Array.isArray(list) ? list.filter(isRecord) : [];
  } catch {
    return [];
  }
}

/** Appends records (the newest MAX_RECORDS kept), written to a temporary file and renamed into place. */
export function appendCalibration(file: string, add: readonly CalibrationRecord[]): void {
  if (!add.length) return;
  const records = [...loadCalibration(file), ...add].slice(-MAX_RECORDS);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ version: 1, records }, null, 1));
  fs.renameSync(tmp, file);
}

/** One record per trialled suggestion that was measured (its estimate as the rule made it, before calibration). */
export function recordsFromTrials(
  suggestions: readonly Suggestion[],
  cpu: string,
  model: string,
  at = new Date().toISOString(),
): CalibrationRecord[] {
  return suggestions.flatMap((s) => {
    // The estimate is about the action as the rule made it, not about a better variant the trial found.
    const m = s.variants ? s.variants.find((v) => v.label === AS_SUGGESTED)?.measured : s.measured;
    if (!m) return [];
    const estimated = s.estimated.raw ?? s.estimated.latencyFraction;
    return [{ rule: s.rule, cpu, estimated, measured: m.latencyFraction, model, at }];
  });
}

/** Per rule, over the records of this CPU: how many trials and how far their estimates were off. */
export function calibrateRules(records: readonly CalibrationRecord[], cpu: string): Map<RuleId, RuleCalibration> {
  const byRule = new Map<RuleId, number[]>();
  for (const r of records)
    if (r.cpu === cpu) byRule.set(r.rule, [...(byRule.get(r.rule) ?? []), r.measured - r.estimated]);
  const out = new Map<RuleId, RuleCalibration>();
  for (const [rule, errors] of byRule)
    out.set(rule, {
      rule,
      trials: errors.length,
      medianError: quantile(errors, 0.5),
      meanAbsError: errors.reduce((a, e) => a + Math.abs(e), 0) / errors.length,
    });
  return out;
}

const pts = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)} pts`;

/**
 * The suggestion with its latency estimate shifted by its rule's median error (clamped to at most 95%
 * saved); the raw estimate is kept. A suggestion the calibration now expects to be slower drops to low
 * confidence.
 */
export function applyCalibration(s: Suggestion, cal: ReadonlyMap<RuleId, RuleCalibration>): Suggestion {
  const c = cal.get(s.rule);
  const raw = s.estimated.latencyFraction;
  // Warnings, notes and by-hand advice claim nothing runnable; a size-only suggestion (raw 0) is shifted
  // too: a weight compression its trials measured 7× slower must not look free.
  if (!c || s.severity !== 'suggestion' || s.action.kind === 'manual') return s;
  const latencyFraction = Math.min(0.95, raw + c.medianError);
  return {
    ...s,
    estimated: {
      ...s.estimated,
      raw,
      latencyFraction,
      basis: `${s.estimated.basis}; calibrated ${pts(c.medianError)} (median error of ${c.trials} trial${c.trials === 1 ? '' : 's'} of this rule on this CPU)`,
    },
    ...(latencyFraction < 0 ? { confidence: 'low' as const } : {}),
  };
}

/** "quantize-conv: 3 trials, estimates off by −41.2 pts (median), 42.0 pts mean absolute". */
export function formatRuleCalibration(c: RuleCalibration): string {
  return `${c.rule}: ${c.trials} trial${c.trials === 1 ? '' : 's'}, estimates off by ${pts(c.medianError)} (median), ${(100 * c.meanAbsError).toFixed(1)} pts mean absolute`;
}
