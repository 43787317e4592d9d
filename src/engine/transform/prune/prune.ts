/**
 * `prune(model, opts)`: the one entry point the optimize pipeline calls. Structured pruning removes channels
 * (smaller and faster); magnitude pruning zeroes weights (same speed, smaller once compressed).
 */
import type { ModelProto } from '../../onnx/types';
import type { TransformResult } from '../common/changes';
import type { OptimizeStep } from '../common/pipeline';
import { pruneMagnitude } from './magnitude';
import { pruneStructured, type SkippedLayer } from './structured';

export type PruneMethod = 'structured' | 'magnitude';

export interface PruneOptions {
  readonly method: PruneMethod;
  /** Share of channels (structured) or weights (magnitude) to remove, 0..1. */
  readonly ratio: number;
  readonly scope?: 'layer' | 'global';
  /** Only layers whose node name matches. */
  readonly layers?: RegExp;
  readonly norm?: 'l1' | 'l2';
  readonly dims?: Readonly<Record<string, number>>;
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
}

export interface PruneResult extends TransformResult {
  /** Layers left alone, with the reason (structured pruning only). */
  readonly skipped: readonly SkippedLayer[];
}

export function prune(model: ModelProto, opts: PruneOptions): PruneResult {
  if (opts.method === 'magnitude') {
    const r = pruneMagnitude(model, opts);
    return { model: r.model, changes: r.changes, skipped: [] };
  }
  const r = pruneStructured(model, opts);
  return { model: r.model, changes: r.changes, skipped: r.skipped };
}

/** Parses a CLI spec like `structured:0.3` or `magnitude:0.5` (ratio in (0, 1)). */
export function parsePruneSpec(spec: string): { method: PruneMethod; ratio: number } {
  const m = /^(structured|magnitude):(\d*\.?\d+)$/.exec(spec.trim());
  const ratio = m ? Number(m[2]) : NaN;
  if (!m || !(ratio > 0 && ratio < 1))
    throw new RangeError(`--prune expects structured:RATIO or magnitude:RATIO with 0 < RATIO < 1, got '${spec}'`);
  return { method: m[1] as PruneMethod, ratio };
}

/** `prune` as an optimize-pipeline step, e.g. from `--prune structured:0.3 --layers REGEX`. */
export function pruneStep(spec: string, opts: Omit<PruneOptions, 'method' | 'ratio'> = {}): OptimizeStep {
  const { method, ratio } = parsePruneSpec(spec);
  return { name: `prune:${method}`, run: (model) => prune(model, { ...opts, method, ratio }) };
}
