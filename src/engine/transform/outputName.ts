/**
 * Where an optimized model goes, for the CLI and the extension alike: next to the original, named
 * `${name}.${suffix}.onnx` (the extension's `onnxTuner.output.naming` setting may change the template), the
 * suffix saying what was done: int8 (dynamic), qdq (static int8), fp16, int4, pruned, simplified. An existing
 * file is never replaced (results are new files; the input is never touched): `.2`, `.3`… is added.
 */
import * as path from 'node:path';
import type { QuantizeMode } from './quantize/quantize';

export const DEFAULT_OUTPUT_TEMPLATE = '${name}.${suffix}.onnx';

const QUANTIZE_SUFFIX: Record<QuantizeMode, string> = { dynamic: 'int8', static: 'qdq', fp16: 'fp16', int4: 'int4' };

/** The suffix for what a result holds: its precision when quantized, else pruned, else simplified. */
export function outputSuffix(made: { readonly quantize?: QuantizeMode; readonly prune?: boolean }): string {
  if (made.quantize) return QUANTIZE_SUFFIX[made.quantize];
  return made.prune ? 'pruned' : 'simplified';
}

export function optimizedFileName(
  original: string,
  template: string,
  suffix: string,
  exists: (file: string) => boolean,
): string {
  const dir = path.dirname(original);
  const name = path.basename(original).replace(/\.onnx$/i, '');
  // Only a bare file name is accepted from the template: a setting must not steer writes to other folders.
  let base = template.replace(/\$\{name\}/g, name).replace(/\$\{suffix\}/g, suffix);
  if (!base || base.includes('/') || base.includes('\\') || base === '.' || base === '..')
    base = `${name}.${suffix}.onnx`;
  if (!/\.onnx$/i.test(base)) base += '.onnx';
  const stem = base.slice(0, -'.onnx'.length);
  let candidate = path.join(dir, base);
  for (let k = 2; exists(candidate) || candidate === original; k++) candidate = path.join(dir, `${stem}.${k}.onnx`);
  return candidate;
}
