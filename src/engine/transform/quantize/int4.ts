/**
 * int4 weight-only quantization of MatMul weights with onnxruntime's `com.microsoft.MatMulNBits` (contrib op,
 * since_version 1): Y = A · dequant(B) where B [K, N] is stored transposed and block-quantized along K:
 *   B:           uint8 [N, n_blocks, block_size/2], two 4-bit codes per byte, low nibble first
 *   scales:      float [N · n_blocks]
 *   zero_points: uint8 [N · ceil(n_blocks/2)], packed like B (absent: symmetric, zero point 8)
 *   attributes K, N, bits = 4, block_size (a power of two ≥ 16), accuracy_level
 * dequant(code) = (code − zero_point) · scale. K not a multiple of block_size is zero-padded.
 */
import { DataType, type ModelProto } from '../../onnx/types';
import { nodeLabel, type TransformChange, type TransformResult } from '../common/changes';
import { GraphEditor, makeNode } from '../common/graphEdit';
import { withOpset } from '../common/opset';
import { floatTensor, floatValues, resolveWeight, uint8Tensor } from '../common/weights';
import type { TensorProto } from '../../onnx/types';
import { roundHalfEven } from './quantMath';
import { findQuantizedNodes, makeSelector, type SelectionOptions } from './select';

export interface Int4Options extends SelectionOptions {
  /** 32, 64 or 128 (default 32). */
  readonly blockSize?: number;
  /** Symmetric codes around 8 with no zero-point input (default), or per-block zero points. */
  readonly symmetric?: boolean;
  /** MatMulNBits accuracy_level (0: default; 4: int8 compute for A on CPUs that have it). */
  readonly accuracyLevel?: number;
}

export interface BlockQuantized {
  /** [N, nBlocks, blockSize/2] packed codes. */
  readonly packed: Uint8Array;
  /** [N · nBlocks]. */
  readonly scales: Float32Array;
  /** Unpacked per-block zero points [N · nBlocks] (8 when symmetric). */
  readonly zeroPoints: Uint8Array;
  readonly nBlocks: number;
}

/** Block-quantizes W [K, N] (row-major) along K for each column n. */
export function quantizeBlocks4(
  w: Float32Array,
  k: number,
  n: number,
  blockSize: number,
  symmetric: boolean,
): BlockQuantized {
  const nBlocks = Math.ceil(k / blockSize);
  const blob = blockSize / 2;
  const packed = new Uint8Array(n * nBlocks * blob);
  const scales = new Float32Array(n * nBlocks);
  const zeroPoints = new Uint8Array(n * nBlocks);
  for (let col = 0; col < n; col++)
    for (let b = 0; b < nBlocks; b++) {
      const k0 = b * blockSize;
      const k1 = Math.min(k, k0 + blockSize);
      let lo = 0;
      let hi = 0;
      for (let r = k0; r < k1; r++) {
        const v = w[r * n + col]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      let scale: number;
      let zp: number;
      if (symmetric) {
        // Codes 1..15 around 8, i.e. [−7, 7]: ±max|x| both representable.
        scale = Math.fround(Math.max(-lo, hi) / 7 || 1);
        zp = 8;
      } else {
        scale = Math.fround((hi - lo) / 15 || 1);
        zp = Math.min(15, Math.max(0, roundHalfEven(-lo / scale)));
      }
      const s = col * nBlocks + b;
      scales[s] = scale;
      zeroPoints[s] = zp;
      for (let r = k0; r < k0 + blockSize; r++) {
        const v = r < k1 ? w[r * n + col]! : 0;
        const q = Math.min(15, Math.max(0, roundHalfEven(v / scale) + zp));
        const byte = s * blob + ((r - k0) >> 1);
        packed[byte]! |= (r - k0) & 1 ? q << 4 : q;
      }
    }
  return { packed, scales, zeroPoints, nBlocks };
}

/** Packs per-block zero points two to a byte (low nibble first), per column. */
function packZeroPoints(zp: Uint8Array, n: number, nBlocks: number): Uint8Array {
  const perCol = Math.ceil(nBlocks / 2);
  const out = new Uint8Array(n * perCol);
  for (let col = 0; col < n; col++)
    for (let b = 0; b < nBlocks; b++)
      out[col * perCol + (b >> 1)]! |= b & 1 ? zp[col * nBlocks + b]! << 4 : zp[col * nBlocks + b]!;
  return out;
}

export function quantizeInt4(model: ModelProto, opts: Int4Options = {}): TransformResult {
  const already = findQuantizedNodes(model);
  if (already.length)
    return { model, changes: [{ kind: 'note', detail: `already quantized (e.g. ${already[0]}); left unchanged` }] };
  const blockSize = opts.blockSize ?? 32;
  if (![16, 32, 64, 128, 256].includes(blockSize))
    throw new Error(`int4 block size must be 16, 32, 64, 128 or 256, got ${blockSize}`);
  const symmetric = opts.symmetric ?? true;
  const changes: TransformChange[] = [];
  const ed = new GraphEditor(model.graph ?? {});
  const idx = ed.index;
  const candidates = idx.order
    .map((i) => ({ i, node: idx.nodes[i]! }))
    .filter(({ node }) => node.op_type === 'MatMul' && (node.domain ?? '') === '')
    .map((c) => ({ ...c, weight: resolveWeight(idx, c.node.input?.[1]) }))
    .filter(
      (c) =>
        c.weight &&
        c.weight.dims.length === 2 &&
        c.weight.tensor.data_type === DataType.FLOAT &&
        !resolveWeight(idx, c.node.input?.[0]),
    );
  const skip = makeSelector(
    opts,
    candidates.map((c) => c.node),
  );
  const done = new Map<TensorProto, { b: string; scales: string; zp?: string }>();
  for (const c of candidates) {
    const label = nodeLabel(c.node, c.i);
    const [k, n] = c.weight!.dims as [number, number];
    const reason = skip(c.node, k * n);
    if (reason) {
      changes.push({ kind: 'skipped', node: label, detail: reason });
      continue;
    }
    let w = done.get(c.weight!.tensor);
    if (!w) {
      const q = quantizeBlocks4(floatValues(c.weight!.tensor), k, n, blockSize, symmetric);
      const base = c.weight!.tensor.name || c.weight!.name;
      w = {
        b: ed.addInitializer(uint8Tensor(ed.fresh(`${base}_Q4`), [n, q.nBlocks, blockSize / 2], q.packed)),
        scales: ed.addInitializer(floatTensor(ed.fresh(`${base}_scales`), [n * q.nBlocks], q.scales)),
      };
      if (!symmetric) {
        const zp = packZeroPoints(q.zeroPoints, n, q.nBlocks);
        w.zp = ed.addInitializer(uint8Tensor(ed.fresh(`${base}_zero_points`), [zp.length], zp));
      }
      done.set(c.weight!.tensor, w);
      changes.push({
        kind: 'weight',
        tensor: base,
        detail: `int4 ${symmetric ? 'symmetric' : 'asymmetric'} blocks of ${blockSize}`,
        bytesBefore: k * n * 4,
        bytesAfter: q.packed.length + q.scales.length * 4 + (w.zp ? Math.ceil(q.nBlocks / 2) * n : 0),
      });
    }
    const inputs = [c.node.input![0]!, w.b, w.scales, ...(w.zp ? [w.zp] : [])];
    ed.replace(c.i, [
      makeNode(
        'MatMulNBits',
        inputs,
        [c.node.output![0]!],
        ed.fresh(`${label}_MatMulNBits`),
        { K: k, N: n, bits: 4, block_size: blockSize, accuracy_level: opts.accuracyLevel ?? 0 },
        'com.microsoft',
      ),
    ]);
    changes.push({
      kind: 'replaced',
      node: label,
      detail: `MatMul → com.microsoft.MatMulNBits (4-bit, block ${blockSize})`,
    });
  }
  if (!changes.some((c) => c.kind === 'replaced'))
    return {
      model,
      changes: [...changes, { kind: 'note', detail: 'no MatMul with a constant 2-D weight to quantize' }],
    };
  return { model: { ...model, opset_import: withOpset(model, 'com.microsoft', 1), graph: ed.build() }, changes };
}
