/**
 * Variants of a suggestion's action that trial mode measures next to the action as suggested, so the
 * advice offers the variant that measured best (issue 20: on a ResNet-18 export, static QDQ on Conv inputs
 * measured +2% while the same QDQ with `--quantize-outputs` reached 2.3×, and was never offered). Static
 * QDQ is tried with and without Q/DQ on outputs; that decides whether ORT can fuse whole Conv chains.
 */
import { optimizeAction } from './actions';
import type { OptimizeConfig, Suggestion, VariantOutcome } from './adviceTypes';
import { measuredScore, measuredSlower } from './trialScore';

export interface Variant {
  readonly label: string;
  readonly suggestion: Suggestion;
}

/** The label of the action exactly as the rule made it (what its estimate is about). */
export const AS_SUGGESTED = 'as suggested';

function withQuantize(s: Suggestion, config: OptimizeConfig, label: string): Variant {
  return { label, suggestion: { ...s, title: `${s.title} — ${label}`, action: optimizeAction(config) } };
}

/** The suggestion as made, then its variants worth measuring (none for most suggestions). */
export function variantsOf(s: Suggestion): Variant[] {
  const out: Variant[] = [{ label: AS_SUGGESTED, suggestion: s }];
  if (s.action.kind !== 'optimize') return out;
  const config = s.action.config;
  const q = config.quantize;
  if (q?.mode === 'static') {
    const outputs = !q.quantizeOutputs;
    out.push(
      withQuantize(
        s,
        { ...config, quantize: { ...q, quantizeOutputs: outputs } },
        outputs ? 'with Q/DQ on outputs too' : 'with Q/DQ on inputs only',
      ),
    );
  }
  return out;
}

/**
 * The variant to offer: the best measured score among those not measured slower; else the first measured
 * (it will be dropped as slower); else the suggestion as made. All outcomes travel with it.
 */
export function pickVariant(tried: readonly { label: string; result: Suggestion }[]): Suggestion {
  const outcomes: VariantOutcome[] = tried.map(({ label, result }) => ({
    label,
    cli: result.action.kind === 'manual' ? result.action.instructions : result.action.cli,
    ...(result.measured ? { measured: result.measured } : {}),
    ...(result.trialNote ? { note: result.trialNote } : {}),
  }));
  const measured = tried.filter((t) => t.result.measured);
  const fine = measured.filter((t) => !measuredSlower(t.result.measured!));
  fine.sort((x, y) => measuredScore(y.result.measured!) - measuredScore(x.result.measured!));
  const best = fine[0] ?? measured[0] ?? tried[0]!;
  return tried.length > 1 ? { ...best.result, variants: outcomes } : best.result;
}
