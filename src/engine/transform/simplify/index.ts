/** Graph simplification: the public entry point, and its step for the optimize pipeline. */
import type { OptimizeStep } from '../common/pipeline';
import { simplify, type SimplifyOptions } from './simplify';

export { simplify, type SimplifyOptions };

/** `simplify` as an optimize-pipeline step (it runs first: later steps see folded, de-duplicated graphs). */
export function simplifyStep(opts: SimplifyOptions = {}): OptimizeStep {
  return { name: 'simplify', run: (model) => simplify(model, opts) };
}
