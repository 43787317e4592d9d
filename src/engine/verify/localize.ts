/**
 * Per-node error localisation (the idea of onnxruntime's qdq_loss_debug): run the float and the optimized
 * model on the same inputs with every float tensor both graphs share exposed as an output, and rank the
 * producing nodes by how far their outputs diverge. Transforms here keep original tensor names, so a
 * quantized node's output is comparable with its float original. The exposed tensors are fetched in chunks
 * of bounded size, one pair of runs per chunk, so a large model never holds all its activations at once.
 */
import { inferShapes } from '../graph/shapeInference';
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
  /**
   * Bytes of exposed tensors fetched per run (default 128 MiB): both models run once per chunk, so memory
   * stays bounded whatever the model's size (issue 18: never all intermediate outputs of a large model at once).
   */
  readonly chunkBytes?: number;
}

/** A tensor of unknown shape is counted as this many bytes when chunking. */
const UNKNOWN_TENSOR_BYTES = 4 * 2 ** 20;

/** Splits tensor names into runs whose estimated bytes stay under `budget` (each run gets at least one). */
export function chunkByBytes(names: readonly string[], bytesOf: (n: string) => number, budget: number): string[][] {
  const chunks: string[][] = [];
  let cur: string[] = [];
  let used = 0;
  for (const n of names) {
    const b = bytesOf(n);
    if (cur.length && used + b > budget) {
      chunks.push(cur);
      cur = [];
      used = 0;
    }
    cur.push(n);
    used += b;
  }
  if (cur.length) chunks.push(cur);
  return chunks;
}

/** Estimated bytes of each tensor of `model` at the shapes of `feeds` (element size 4; unknown: 4 MiB). */
function tensorBytes(model: ModelProto, feeds: Feeds): (name: string) => number {
  const inputShapes = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, [...t.dims]]));
  let types: ReturnType<typeof inferShapes>['main']['types'] | undefined;
  try {
    types = inferShapes(model, { inputShapes }).main.types;
  } catch {
    types = undefined;
  }
  return (name) => {
    const shape = types?.get(name)?.shape;
    if (!shape || !shape.every((d) => typeof d === 'number')) return UNKNOWN_TENSOR_BYTES;
    return 4 * (shape as number[]).reduce((a, d) => a * d, 1);
  };
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
    const out: NodeError[] = [];
    const candFeeds = adaptFeeds(feeds, sc);
    for (const chunk of chunkByBytes(common, tensorBytes(reference, feeds), opts.chunkBytes ?? 128 * 2 ** 20)) {
      // Only this chunk's tensors are fetched: onnxruntime frees the rest as it goes.
      const rr = await sr.run(feeds, chunk);
      const rc = await sc.run(candFeeds, chunk);
      for (const t of chunk) {
        const a = rr[t];
        const b = rc[t];
        const va = a && tensorValues(a);
        const vb = b && tensorValues(b);
        if (!a || !va || !vb || va.length !== vb.length) continue;
        out.push({ tensor: t, ...producer.get(t)!, ...tensorMetrics(va, vb, a.dims) });
      }
    }
    out.sort((x, y) => x.snrDb - y.snrDb);
    return opts.top ? out.slice(0, opts.top) : out;
  } finally {
    await sr.release();
    await sc.release();
  }
}
