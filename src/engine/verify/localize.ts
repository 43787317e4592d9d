/**
 * Per-node error localisation (the idea of onnxruntime's qdq_loss_debug): run the float and the optimized
 * model on the same inputs with every float tensor both graphs share exposed as an output, and rank the
 * producing nodes by how far their outputs diverge. Transforms here keep original tensor names, so a
 * quantized node's output is comparable with its float original. The exposed tensors are fetched in chunks
 * of bounded size, one pair of runs per chunk, so a large model never holds all its activations at once.
 *
 * Two figures per node (issue 18): the ACCUMULATED error of its output (everything upstream included) and the
 * error it ADDS itself, its candidate nodes run on the reference's inputs (isolateNodes.ts). Ranking by the
 * accumulated figure points downstream of the layer at fault (on ppocr-det, keeping its top Convs float did not
 * help); the added figure points at the layer. The default ranking is by added error.
 */
import type * as ort from 'onnxruntime-node';
import { inferShapes } from '../graph/shapeInference';
import type { ModelProto } from '../onnx/types';
import { modelToBuffer } from '../onnx/writeModel';
import type { RuntimeSettings } from '../runtime/sessionOptions';
import { withExtraOutputs } from '../transform/common/exposeOutputs';
import { adaptFeeds, type Feeds } from './feeds';
import { isolateCandidate, type IsolatedModel } from './isolateNodes';
import { createSession } from './modelSource';
import { tensorMetrics, tensorValues, type TensorMetrics } from './outputMetrics';

/** Which figure orders the nodes: the error a node adds itself, or its output's error with upstream's included. */
export type ErrorRanking = 'added' | 'accumulated';

/** The metrics of a node (TensorMetrics: accumulated) and, when measured, of what it adds itself. */
export interface NodeError extends TensorMetrics {
  /** The node's candidate run on the reference's values of its inputs: the error this node adds itself. */
  readonly added?: TensorMetrics;
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
  /**
   * Order of the result (default 'added'). 'accumulated' also skips measuring the added error (one model and
   * one session fewer), for callers that derive their own figure from the accumulated one.
   */
  readonly rankBy?: ErrorRanking;
}

/** The SNR a list ranked by `rankBy` is sorted on: the added figure where measured, else the accumulated one. */
export function rankingMetrics(e: NodeError, rankBy: ErrorRanking): TensorMetrics {
  return rankBy === 'added' && e.added ? e.added : e;
}

/** The ranking a localize result was sorted by: 'added' only when every node has its added figure. */
export function rankingOf(list: readonly NodeError[], asked: ErrorRanking = 'added'): ErrorRanking {
  return asked === 'added' && list.length > 0 && list.every((e) => e.added) ? 'added' : 'accumulated';
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

/** The combined model's session, every shared tensor exposed both as computed by the reference and isolated. */
interface IsolatedSession extends Pick<IsolatedModel, 'isolatedName'> {
  readonly session: Awaited<ReturnType<typeof createSession>>;
}

/**
 * A session of isolateCandidate's model with `tensors` exposed in both versions, or undefined when
 * onnxruntime rejects the combination (the ranking then falls back to the accumulated error).
 */
async function isolatedSession(
  reference: ModelProto,
  candidate: ModelProto,
  tensors: readonly string[],
  refTypes: ReadonlyMap<string, number>,
  candTypes: ReadonlyMap<string, number>,
  runtime: RuntimeSettings,
): Promise<IsolatedSession | undefined> {
  const { model, isolatedName } = isolateCandidate(reference, candidate);
  // Each in its own model's element type (a float16 candidate computes its copies in float16).
  const outputs = tensors.flatMap((t) => {
    const ref = refTypes.get(t);
    const cand = candTypes.get(t) ?? ref;
    return ref === undefined || cand === undefined
      ? []
      : [
          { name: t, type: { tensor_type: { elem_type: ref } } },
          { name: isolatedName(t), type: { tensor_type: { elem_type: cand } } },
        ];
  });
  const graph = { ...model.graph, output: [...(model.graph?.output ?? []), ...outputs] };
  try {
    return { session: await createSession(modelToBuffer({ ...model, graph }), runtime), isolatedName };
  } catch {
    return undefined;
  }
}

function metricsOf(a: ort.Tensor | undefined, b: ort.Tensor | undefined): TensorMetrics | undefined {
  const va = a && tensorValues(a);
  const vb = b && tensorValues(b);
  return a && va && vb && va.length === vb.length ? tensorMetrics(va, vb, a.dims) : undefined;
}

/**
 * Nodes of `reference` whose output `candidate` also computes, worst first by `opts.rankBy`: the SNR of the
 * error each adds (default) or of its output's accumulated error. Each entry has the accumulated metrics and,
 * unless ranked by them, the added ones.
 */
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
  const rankBy = opts.rankBy ?? 'added';
  const iso =
    rankBy === 'added'
      ? await isolatedSession(reference, candidate, common, ref.types, cand.types, runtime)
      : undefined;
  // The combined model holds the reference graph too, so it gives the reference's values in the same run.
  const sr = iso?.session ?? (await createSession(modelToBuffer(ref.model), runtime));
  const sc = await createSession(modelToBuffer(cand.model), runtime);
  try {
    const out: NodeError[] = [];
    const candFeeds = adaptFeeds(feeds, sc);
    const bytes = tensorBytes(reference, feeds);
    const budget = opts.chunkBytes ?? 128 * 2 ** 20;
    for (const chunk of chunkByBytes(common, iso ? (t) => 2 * bytes(t) : bytes, budget)) {
      // Only this chunk's tensors are fetched: onnxruntime frees the rest as it goes.
      const rr = await sr.run(feeds, iso ? [...chunk, ...chunk.map(iso.isolatedName)] : chunk);
      const rc = await sc.run(candFeeds, chunk);
      for (const t of chunk) {
        const accumulated = metricsOf(rr[t], rc[t]);
        if (!accumulated) continue;
        const added = iso && metricsOf(rr[t], rr[iso.isolatedName(t)]);
        out.push({ tensor: t, ...producer.get(t)!, ...accumulated, ...(added ? { added } : {}) });
      }
    }
    const by = rankingOf(out, rankBy);
    // Stable: equal figures (exact nodes) stay in graph order.
    out.sort((x, y) => rankingMetrics(x, by).snrDb - rankingMetrics(y, by).snrDb);
    return opts.top ? out.slice(0, opts.top) : out;
  } finally {
    await sr.release();
    await sc.release();
  }
}
