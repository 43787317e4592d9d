/**
 * "Keep in fp16" (issue 18): nodes the int8 quantizer leaves out and that run in float16 instead — float16
 * weights, a Cast to float16 before their float inputs and back to float32 after their outputs
 * (convertToFp16 with `onlyNodes`). onnxruntime's CPU provider has float16 kernels for few ops (on x86 not
 * Conv, MatMul, Gemm, Add, Relu …); for the others it inserts its own Casts to float32 at load time
 * (`InsertedPrecisionFreeCast_*`), so "float16 compute" would be float32 compute between extra Casts. Which
 * nodes that happens to is asked of onnxruntime itself (the graph it saves after loading), and those nodes
 * keep float16 weights read through a Cast to float32 and compute in float32 instead, with a note saying so.
 * A model onnxruntime cannot load that way keeps the nodes in float, with a note.
 */
import type { ModelProto } from '../../onnx/types';
import { modelToBuffer } from '../../onnx/writeModel';
import { exactName } from '../../optimize/exclusionFile';
import type { RuntimeSettings } from '../../runtime/sessionOptions';
import { optimizedGraph } from '../../verify/optimizedGraph';
import type { TransformChange, TransformResult } from '../common/changes';
import { convertToFp16, DEFAULT_FP32_OPS } from './fp16';

/** The prefix onnxruntime gives the Casts it inserts around a float16 node that has no float16 kernel. */
const ORT_INSERTED_CAST = 'InsertedPrecisionFreeCast';

/** Of the named nodes, those onnxruntime runs in float32 behind its own Casts (no float16 kernel for them). */
export async function nodesWithoutFp16Kernel(
  model: ModelProto,
  names: readonly string[],
  runtime: RuntimeSettings = {},
): Promise<Set<string>> {
  // Level `disabled`: no fusion renames or merges the nodes; the kernel lookup (and its Casts) happens anyway.
  const g = await optimizedGraph(modelToBuffer(model), { ...runtime, optimizationLevel: 'disabled' });
  const producer = new Map<string, string>();
  for (const n of g.node ?? []) for (const o of n.output ?? []) producer.set(o, n.name ?? '');
  const wanted = new Set(names);
  const upcast = new Set<string>();
  for (const n of g.node ?? [])
    if (wanted.has(n.name ?? '') && (n.input ?? []).some((i) => producer.get(i)?.startsWith(ORT_INSERTED_CAST)))
      upcast.add(n.name ?? '');
  return upcast;
}

/**
 * `model` (usually just quantized, with `names` left float) with the named nodes in float16 where
 * onnxruntime has a float16 kernel for them, float16 weights with float32 compute where it has not.
 */
export async function keepNodesInFp16(
  model: ModelProto,
  names: readonly string[],
  runtime?: RuntimeSettings,
): Promise<TransformResult> {
  const present = new Set((model.graph?.node ?? []).map((n) => n.name ?? ''));
  const missing = names.filter((n) => !present.has(n));
  const notes: TransformChange[] = missing.map((n) => ({
    kind: 'note',
    detail: `keep in fp16: no node named '${n}' in the model`,
  }));
  // Ops the float16 converter keeps float32 (no kernel, or float16 measured inaccurate: fp16.ts) stay float.
  const opOf = new Map((model.graph?.node ?? []).map((n) => [n.name ?? '', n.op_type ?? '']));
  for (const n of names.filter((x) => DEFAULT_FP32_OPS.includes(opOf.get(x) ?? '')))
    notes.push({
      kind: 'fallback',
      node: n,
      detail: `keep in fp16: ${opOf.get(n)} stays float32 in float16 models (fp16.ts DEFAULT_FP32_OPS): ${n} kept in float`,
    });
  const wanted = names.filter((n) => present.has(n) && !DEFAULT_FP32_OPS.includes(opOf.get(n) ?? ''));
  if (!wanted.length) return { model, changes: notes };
  const full = convertToFp16(model, { onlyNodes: wanted.map(exactName) });
  if (full.model === model)
    // Nothing converted (a model with If/Loop/Scan bodies, say): the nodes stay float, and the step says so.
    return {
      model,
      changes: [
        ...notes,
        ...full.changes.map((c) => ({
          ...c,
          kind: 'fallback' as const,
          detail: `keep in fp16: ${c.detail}; kept in float`,
        })),
      ],
    };
  let upcast: Set<string>;
  try {
    upcast = await nodesWithoutFp16Kernel(full.model, wanted, runtime);
  } catch (e) {
    const why = (e as Error).message.split('\n')[0];
    return {
      model,
      changes: [
        ...notes,
        { kind: 'fallback', detail: `keep in fp16: onnxruntime cannot load the float16 nodes (${why}); kept in float` },
      ],
    };
  }
  if (!upcast.size) return { model: full.model, changes: [...notes, ...full.changes] };
  const fp16 = wanted.filter((n) => !upcast.has(n));
  const r = convertToFp16(model, { onlyNodes: fp16.map(exactName), halfWeightNodes: [...upcast].map(exactName) });
  const fallback: TransformChange[] = [...upcast].map((n) => ({
    kind: 'fallback',
    node: n,
    detail: `keep in fp16: onnxruntime's CPU provider has no float16 ${opOf.get(n)} kernel: ${n} stores its weights in float16 and computes in float32`,
  }));
  return { model: r.model, changes: [...notes, ...fallback, ...r.changes] };
}
