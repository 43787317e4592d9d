/**
 * Per-node error localisation (the idea of onnxruntime's qdq_loss_debug): run the float and the optimized
 * model on the same inputs with every float tensor both graphs share exposed as an output, and rank the
 * producing nodes by how far their outputs diverge. Transforms here keep original tensor names, so a
 * quantized node's output is comparable with its float original.
 */
import type { ModelProto } from '../onnx/types';
import { modelToBuffer } from '../onnx/writeModel';
import type { RuntimeSettings } from '../runtime/sessionOptions';
import { withExtraOutputs } from '../transform/common/exposeOutputs';
import { adaptFeeds, type Feeds } from './feeds';
import { createSession } from './modelSource';
import { tensorMetrics, tensorValues, type TensorMetrics } from './outputMetrics';

export interface NodeError extends TensorMetrics {
  readonly tensor: string;
  readonly node: string;
  readonly op: string;
  /** Position of the node in the float model's node list (graph order). */
  readonly order: number;
}

export interface LocalizeOptions {
  readonly runtime?: RuntimeSettings;
  /** How many of the worst nodes to return (default all). */
  readonly top?: number;
}

/** Nodes of `reference` ranked by the SNR of their (first) output in `candidate`, worst first. */
export async function localizeError(
  reference: ModelProto,
  candidate: ModelProto,
  feeds: Feeds,
  opts: LocalizeOptions = {},
): Promise<NodeError[]> {
  const refNodes = reference.graph?.node ?? [];
  const candProduced = new Set((candidate.graph?.node ?? []).flatMap((n) => n.output ?? []));
  const producer = new Map<string, { node: string; op: string; order: number }>();
  refNodes.forEach((n, i) => {
    if (n.op_type === 'Constant') return;
    for (const o of n.output ?? [])
      if (o && candProduced.has(o))
        producer.set(o, { node: n.name || `${n.op_type}#${i}`, op: n.op_type ?? '', order: i });
  });
  const ref = withExtraOutputs(reference, producer.keys());
  const cand = withExtraOutputs(candidate, ref.exposed, ref.types);
  const common = ref.exposed.filter((n) => cand.exposed.includes(n));
  const runtime: RuntimeSettings = { ...opts.runtime, optimizationLevel: 'disabled' };
  const sr = await createSession(modelToBuffer(ref.model), runtime);
  const sc = await createSession(modelToBuffer(cand.model), runtime);
  try {
    const rr = await sr.run(feeds);
    const rc = await sc.run(adaptFeeds(feeds, sc));
    const out: NodeError[] = [];
    for (const t of common) {
      const a = rr[t];
      const b = rc[t];
      const va = a && tensorValues(a);
      const vb = b && tensorValues(b);
      if (!a || !va || !vb || va.length !== vb.length) continue;
      out.push({ tensor: t, ...producer.get(t)!, ...tensorMetrics(va, vb, a.dims) });
    }
    out.sort((x, y) => x.snrDb - y.snrDb);
    return opts.top ? out.slice(0, opts.top) : out;
  } finally {
    await sr.release();
    await sc.release();
  }
}
