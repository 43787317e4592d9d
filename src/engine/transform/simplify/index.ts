/** Graph simplification: the public entry point, and its step for the optimize pipeline. */
import type { OptimizeStep } from '../common/pipeline';
import { simplify, type SimplifyOptions } from './simplify';

export { simplify, type SimplifyOptions };

/** What the simplified model will run on: the runtime-specific rewrites follow it. */
export type SimplifyTarget = Pick<SimplifyOptions, 'executionProvider' | 'contribOps'>;

/** `simplify` as an optimize-pipeline step (it runs first: later steps see folded, de-duplicated graphs). */
export function simplifyStep(opts: SimplifyOptions = {}): OptimizeStep {
  return { name: 'simplify', run: (model) => simplify(model, opts) };
}
