/**
 * Unstructured magnitude pruning: the smallest-|w| weights of Conv/ConvTranspose/Gemm/MatMul are set to
 * zero until `ratio` of them are zero (per layer, or with one global threshold). The model keeps its shape
 * and dense kernels run it at the same speed (DESIGN.md: 50% sparsity measured no faster in onnxruntime's
 * CPU kernels); what it buys is a smaller file once compressed, which `compressedSize` measures.
 */
import { gzipSync } from 'node:zlib';
import { indexGraph } from '../../graph/graphIndex';
import { tensorDims } from '../../graph/tensorData';
import { DataType, type ModelProto, type TensorProto } from '../../onnx/types';
import { modelToBuffer } from '../../onnx/writeModel';
import { nodeLabel, type TransformChange, type TransformResult } from '../common/changes';
import { floatTensor, floatValues } from '../common/weights';
import { removeDeadCode } from '../simplify/eliminate';
import { allNames, cloneModel, freshName } from '../simplify/graphEdit';

export interface MagnitudePruneOptions {
  /** Share of weights set to zero, 0..1. */
  readonly ratio: number;
  readonly scope?: 'layer' | 'global';
  /** Only nodes whose name matches. */
  readonly layers?: RegExp;
}

export interface MagnitudePruneResult extends TransformResult {
  /** Zeros / total over the pruned weights. */
  readonly sparsity: number;
  readonly prunedWeights: number;
  /** gzip size of the pruned weights' float32 bytes, before and after (what a compressed download saves). */
  readonly weightsGzip: { readonly before: number; readonly after: number };
}

const WEIGHT_INPUT: Record<string, number> = { Conv: 1, ConvTranspose: 1, Gemm: 1, MatMul: 1 };

const mb = (b: number): string => (b / 2 ** 20).toFixed(2);

export function pruneMagnitude(model: ModelProto, opts: MagnitudePruneOptions): MagnitudePruneResult {
  if (!(opts.ratio >= 0 && opts.ratio < 1)) throw new RangeError(`prune ratio must be in [0, 1), got ${opts.ratio}`);
  const out = cloneModel(model);
  const g = out.graph;
  const changes: TransformChange[] = [];
  if (!g) return { model: out, changes, sparsity: 0, prunedWeights: 0, weightsGzip: { before: 0, after: 0 } };
  const index = indexGraph(g);
  const inputs = new Set((g.input ?? []).map((v) => v.name ?? ''));
  // One entry per distinct weight tensor (a weight shared by two nodes is pruned once).
  const targets = new Map<TensorProto, { name: string; nodes: number[]; values: Float32Array }>();
  index.nodes.forEach((n, i) => {
    const k = WEIGHT_INPUT[n.op_type ?? ''];
    const name = k !== undefined ? (n.input?.[k] ?? '') : '';
    const t = name && !inputs.has(name) ? index.constants.get(name) : undefined;
    if (!t || t.data_type !== DataType.FLOAT || t.data_location === 1 || tensorDims(t).length < 2) return;
    if (opts.layers && !opts.layers.test(n.name ?? '')) return;
    const entry = targets.get(t);
    if (entry) entry.nodes.push(i);
    else targets.set(t, { name, nodes: [i], values: floatValues(t) });
  });

  const thresholdOf = (abs: Float32Array): number => {
    const k = Math.floor(abs.length * opts.ratio);
    if (k === 0) return -1;
    const sorted = Float32Array.from(abs).sort();
    return sorted[k - 1]!;
  };
  let global = -1;
  if (opts.scope === 'global') {
    const total = [...targets.values()].reduce((s, t) => s + t.values.length, 0);
    const abs = new Float32Array(total);
    let o = 0;
    for (const t of targets.values()) for (const v of t.values) abs[o++] = Math.abs(v);
    global = thresholdOf(abs);
  }

  const taken = allNames(g);
  let zeros = 0;
  const rawBefore: Uint8Array[] = [];
  const rawAfter: Uint8Array[] = [];
  let count = 0;
  for (const [t, entry] of targets) {
    const v = entry.values;
    const thr = opts.scope === 'global' ? global : thresholdOf(v.map(Math.abs));
    // Ties at the threshold: zero only as many as the ratio asks for (per layer), so the ratio is exact.
    let budget = opts.scope === 'global' ? Infinity : Math.floor(v.length * opts.ratio);
    let z = 0;
    const pruned = new Float32Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (Math.abs(x) <= thr && budget > 0) {
        budget--;
        z++;
      } else pruned[i] = x;
    }
    zeros += z;
    count += v.length;
    if (z === 0) continue;
    const newName = freshName(taken, `${entry.name}_sparse`);
    (g.initializer ??= []).push(floatTensor(newName, tensorDims(t), pruned));
    rawBefore.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    rawAfter.push(new Uint8Array(pruned.buffer));
    for (const i of entry.nodes) {
      const n = g.node![i]!;
      n.input![WEIGHT_INPUT[n.op_type ?? '']!] = newName;
    }
    changes.push({
      kind: 'weight',
      node: nodeLabel(index.nodes[entry.nodes[0]!]!, entry.nodes[0]!),
      tensor: entry.name,
      detail: `${((100 * z) / v.length).toFixed(1)}% of ${v.length} weights set to zero`,
    });
  }
  removeDeadCode(g, changes);
  const gz = (chunks: Uint8Array[]): number => gzipSync(Buffer.concat(chunks), { level: 6 }).length;
  const weightsGzip = { before: gz(rawBefore), after: gz(rawAfter) };
  changes.push({
    kind: 'note',
    detail:
      `unstructured sparsity does not speed up dense CPU kernels; it shrinks the compressed file only ` +
      `(pruned weights gzip ${mb(weightsGzip.before)} → ${mb(weightsGzip.after)} MB; file size unchanged)`,
  });
  return { model: out, changes, sparsity: count ? zeros / count : 0, prunedWeights: targets.size, weightsGzip };
}

/** Encoded model bytes and their gzip-compressed size (what sparsity saves in a download). */
export function compressedSize(model: ModelProto): { bytes: number; gzipBytes: number } {
  const buf = modelToBuffer(model);
  return { bytes: buf.length, gzipBytes: gzipSync(buf, { level: 6 }).length };
}
