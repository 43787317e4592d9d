/**
 * Where an optimized model goes: next to the original, named by the `onnxTuner.output.naming` template. An
 * existing file is never replaced (results are new files; the input is never touched): `.2`, `.3`… is added.
 */
import * as path from 'node:path';

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
