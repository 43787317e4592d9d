/** The inputs a session expects, read from onnxruntime's own metadata (what it will really accept). */
import type * as ort from 'onnxruntime-node';

export interface ModelInputSpec {
  readonly name: string;
  /** onnxruntime-node type name: 'float32', 'int64', 'float16', 'bool', ... */
  readonly type: string;
  /** Numbers for fixed dims, strings for symbolic ones ('' when unnamed). */
  readonly shape: readonly (number | string)[];
}

export function inputSpecs(session: ort.InferenceSession): ModelInputSpec[] {
  return session.inputMetadata.map((m) => {
    if (!m.isTensor) throw new Error(`input '${m.name}' is not a tensor; only tensor inputs are supported`);
    return { name: m.name, type: m.type, shape: m.shape };
  });
}

/** A concrete size for a dim: fixed, from the user's dims, or 1 (recorded in `assumed`). */
export function dimValue(d: number | string, dims: Readonly<Record<string, number>>, assumed: Set<string>): number {
  if (typeof d === 'number' && d >= 0) return d;
  const name = typeof d === 'string' ? d : '';
  const v = name ? dims[name] : undefined;
  if (v !== undefined) return v;
  assumed.add(name || '(unnamed)');
  return 1;
}
