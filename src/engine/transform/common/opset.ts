/** Opset imports: reading the version a model uses per domain, and adding a domain a transform needs. */
import { int64ToNumber } from '../../onnx/int64';
import type { ModelProto, OperatorSetIdProto } from '../../onnx/types';

const isDefault = (d: string | undefined): boolean => (d ?? '') === '' || d === 'ai.onnx';

/** The opset version imported for `domain` ('' = the default ONNX domain), or undefined when not imported. */
export function opsetVersion(model: ModelProto, domain = ''): number | undefined {
  const imp = model.opset_import?.find((o) => (isDefault(domain) ? isDefault(o.domain) : o.domain === domain));
  return imp?.version !== undefined ? int64ToNumber(imp.version) : undefined;
}

/** The opset imports with `domain` at ≥ `version` (a new list; the model's is untouched). */
export function withOpset(model: ModelProto, domain: string, version: number): OperatorSetIdProto[] {
  const list = [...(model.opset_import ?? [])];
  const i = list.findIndex((o) => (isDefault(domain) ? isDefault(o.domain) : o.domain === domain));
  if (i < 0) list.push({ domain, version });
  else if (int64ToNumber(list[i]!.version ?? 1) < version) list[i] = { ...list[i], version };
  return list;
}
