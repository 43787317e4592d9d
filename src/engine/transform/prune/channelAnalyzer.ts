/**
 * The channel analysis itself (see channelSpaces.ts for what it computes): the spaces with a union-find over
 * them, the layout of every value, the recorded edits, and one handler per op kind.
 */
import { attrInt, attrInts } from '../../graph/attributes';
import type { ValueType } from '../../graph/dims';
import type { Lookup } from '../../graph/scope';
import { tensorDims, tensorNumbers } from '../../graph/tensorData';
import type { NodeProto, TensorProto } from '../../onnx/types';
import { subgraphsOf } from '../../onnx/walk';
import { outerReads } from '../simplify/graphEdit';
import type { ChannelAnalysis, Layout, SliceAction, Space } from './channelTypes';

const PASS_THROUGH = new Set(
  'Relu LeakyRelu Clip Sigmoid HardSigmoid HardSwish Tanh Elu Selu Softplus Softsign Gelu Erf Exp Log Sqrt Neg Abs Mish Identity Dropout Cast MaxPool AveragePool GlobalAveragePool GlobalMaxPool LpPool ThresholdedRelu Celu'.split(
    ' ',
  ),
);
const ELEMENTWISE = new Set(['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'Pow', 'Sum', 'PRelu']);

/** What a node handler sees: the node, its inputs' layouts, and how to block them all with a reason. */
interface Visit {
  readonly n: NodeProto;
  readonly ins: readonly string[];
  readonly out: string;
  readonly inL: readonly (Layout | undefined)[];
  readonly l0: Layout | undefined;
  blockAll(why: string): void;
}

const label = (n: NodeProto): string => `${n.op_type ?? ''} '${n.name ?? ''}'`;

/** The analysis state (spaces with a union-find over them, layouts per value, recorded edits) and one handler per op kind. */
export class ChannelAnalyzer {
  readonly spaces: Space[] = [];
  readonly layouts = new Map<string, Layout>();
  private readonly parent: number[] = [];
  private readonly actions: SliceAction[] = [];
  private readonly groupActions: { node: NodeProto; layout: Layout }[] = [];
  private readonly sizeActions: { node: NodeProto; input: number; index: number; layout: Layout }[] = [];

  constructor(
    private readonly types: Lookup<ValueType> | undefined,
    private readonly constant: (name: string) => TensorProto | undefined,
  ) {}

  readonly root = (id: number): number => {
    const parent = this.parent;
    while (parent[id] !== id) id = parent[id] = parent[parent[id]!]!;
    return id;
  };

  result(): ChannelAnalysis {
    const { spaces, root, actions, groupActions, sizeActions } = this;
    return { spaces, root, actions, groupActions, sizeActions, carriers: new Set(this.layouts.keys()) };
  }

  block(l: Layout | undefined, why: string): void {
    for (const s of l?.segs ?? []) this.spaces[s]!.blocked.push(why);
  }

  visit(n: NodeProto): void {
    const op = (n.domain ?? '') === '' || n.domain === 'ai.onnx' ? (n.op_type ?? '') : `${n.domain}:${n.op_type}`;
    const ins = n.input ?? [];
    const inL = ins.map((x) => (x ? this.layouts.get(x) : undefined));
    const v: Visit = {
      n,
      ins,
      out: n.output?.[0] ?? '',
      inL,
      l0: inL[0],
      blockAll: (why) => inL.forEach((l) => this.block(l, why)),
    };
    if (inL.some((l, k) => l && k > 0) && !ELEMENTWISE.has(op) && op !== 'Concat')
      v.blockAll(`${label(n)} reads it as a non-data input`);
    const outL = this.handle(op, v);
    if (outL && v.out) this.layouts.set(v.out, outL);
    for (const sub of subgraphsOf(n))
      for (const r of outerReads(sub)) this.block(this.layouts.get(r), `a subgraph of ${label(n)} reads '${r}'`);
  }

  private handle(op: string, v: Visit): Layout | undefined {
    if (op === 'Conv') return this.conv(v);
    if (op === 'ConvTranspose') return this.convTranspose(v);
    if (op === 'Gemm' || op === 'MatMul') return this.dense(op, v);
    if (op === 'BatchNormalization' || op === 'InstanceNormalization') return this.normalization(op, v);
    if (PASS_THROUGH.has(op)) {
      if (op === 'MaxPool' && v.n.output?.[1]) this.block(v.l0, `${label(v.n)} returns indices`);
      return v.l0;
    }
    if (ELEMENTWISE.has(op)) return this.elementwise(v);
    if (op === 'Concat') return this.concat(v);
    if (op === 'Resize' || op === 'Upsample') return this.resize(op, v);
    if (op === 'Pad') return this.pad(v);
    if (op === 'Flatten' || op === 'Reshape' || op === 'Squeeze') return this.flatten(v);
    v.blockAll(`${label(v.n)} is not understood by channel pruning`);
    return undefined;
  }

  private conv({ n, ins, l0, blockAll }: Visit): Layout | undefined {
    const w = this.constant(ins[1] ?? '');
    const b = ins[2] ? this.constant(ins[2]) : undefined;
    const group = attrInt(n, 'group', 1);
    const wd = w ? tensorDims(w) : [];
    const cin = l0 ? this.width(l0) : undefined;
    if (!w || (ins[2] && !b)) blockAll(`${label(n)} has weights that are not inline constants`);
    else if (group === 1) {
      if (l0) this.actions.push({ node: n, input: 1, axis: 1, layout: l0 });
      const outL = this.source(n, wd[0]!, 1, 0, -(wd.length - 1));
      if (b) this.actions.push({ node: n, input: 2, axis: 0, layout: outL });
      return outL;
    } else if (l0 && cin === group && wd[0] === group && wd[1] === 1) {
      // Depthwise: channel c in → channel c out, so it passes the layout through (ONNX Conv, group = C).
      this.actions.push({ node: n, input: 1, axis: 0, layout: l0 });
      if (b) this.actions.push({ node: n, input: 2, axis: 0, layout: l0 });
      this.groupActions.push({ node: n, layout: l0 });
      return l0;
    } else blockAll(`${label(n)} is a grouped convolution (group ${group})`);
    return undefined;
  }

  private convTranspose({ n, ins, l0, blockAll }: Visit): Layout | undefined {
    // ONNX ConvTranspose weights are [Cin, Cout/group, k…]: input channels on axis 0, outputs on axis 1.
    const w = this.constant(ins[1] ?? '');
    const b = ins[2] ? this.constant(ins[2]) : undefined;
    const wd = w ? tensorDims(w) : [];
    if (!w || (ins[2] && !b) || attrInt(n, 'group', 1) !== 1 || attrInts(n, 'output_shape')) {
      blockAll(`${label(n)} is grouped, has an explicit output_shape or run-time weights`);
      return undefined;
    }
    if (l0) this.actions.push({ node: n, input: 1, axis: 0, layout: l0 });
    const outL = this.source(n, wd[1]!, 1, 1, -(wd.length - 1));
    if (b) this.actions.push({ node: n, input: 2, axis: 0, layout: outL });
    return outL;
  }

  private dense(op: string, { n, ins, l0, blockAll }: Visit): Layout | undefined {
    const w = this.constant(ins[1] ?? '');
    const wd = w ? tensorDims(w) : [];
    const transB = op === 'Gemm' ? attrInt(n, 'transB', 0) : 0;
    if (!w || wd.length !== 2 || (op !== 'MatMul' && attrInt(n, 'transA', 0) !== 0)) {
      blockAll(`${label(n)} has run-time or transposed inputs`);
      return undefined;
    }
    if (l0) {
      if (l0.axis === -1) this.actions.push({ node: n, input: 1, axis: transB ? 1 : 0, layout: l0 });
      else this.block(l0, `${label(n)} reads channels on a non-feature axis`);
    }
    const outL = this.source(n, transB ? wd[0]! : wd[1]!, 1, transB ? 0 : 1, -1);
    if (ins[2] && !this.perChannelConstant(n, 2, outL, 2))
      this.block(outL, `${label(n)} has a bias that is not per-feature`);
    return outL;
  }

  private normalization(op: string, { n, ins, l0, blockAll }: Visit): Layout | undefined {
    const params = op === 'BatchNormalization' ? [1, 2, 3, 4] : [1, 2];
    if (!l0 || !params.every((k) => this.constant(ins[k] ?? ''))) {
      blockAll(`${label(n)} has parameters that are not inline constants`);
      return undefined;
    }
    for (const k of params) this.actions.push({ node: n, input: k, axis: 0, layout: l0 });
    if ((n.output ?? []).slice(1).some(Boolean)) this.block(l0, `${label(n)} has training outputs`);
    return l0;
  }

  private elementwise({ n, ins, out, inL, blockAll }: Visit): Layout | undefined {
    const withLayout = inL.filter((l): l is Layout => !!l);
    const first = withLayout[0];
    if (!first) return undefined;
    let ok = withLayout.every((l) => this.union(first, l));
    const outRank = this.rankOf(out);
    ins.forEach((x, k) => {
      if (!ok || !x || inL[k]) return;
      if (this.perChannelConstant(n, k, first, outRank)) return;
      const s = this.types?.get(x)?.shape;
      const axis = s ? s.length + first.axis : -1;
      // A run-time tensor that broadcasts along channels (dim 1 there) is fine; anything else is not.
      if (!s || (axis >= 0 && s[axis] !== 1)) ok = false;
    });
    if (ok) return first;
    blockAll(`${label(n)} combines it with a tensor of other channels`);
    return undefined;
  }

  private concat({ n, ins, out, inL, l0, blockAll }: Visit): Layout | undefined {
    const r = this.rankOf(out);
    const axis = attrInt(n, 'axis', 0);
    const chanAxis = l0 ?? inL.find(Boolean);
    if (!chanAxis || r === undefined || (axis < 0 ? axis : axis - r) !== chanAxis.axis) {
      if (inL.some(Boolean)) blockAll(`${label(n)} concatenates on another axis`);
      return undefined;
    }
    const segs: number[] = [];
    let ok = true;
    ins.forEach((x, k) => {
      const l = inL[k];
      if (l && l.axis === chanAxis.axis) segs.push(...l.segs);
      else {
        const s = this.types?.get(x)?.shape;
        const c = s ? s[s.length + chanAxis.axis] : undefined;
        if (typeof c !== 'number') ok = false;
        else {
          const fixed = this.newSpace(c);
          this.spaces[fixed]!.blocked.push(`concatenated input '${x}' has no prunable channels`);
          segs.push(fixed);
        }
      }
    });
    if (ok) return { segs, axis: chanAxis.axis };
    blockAll(`${label(n)} concatenates a tensor of unknown width`);
    return undefined;
  }

  private resize(op: string, { n, ins, l0, blockAll }: Visit): Layout | undefined {
    // ONNX Resize-11+: X, roi, scales, sizes. Scales are 1 on channels; constant `sizes` name the channel
    // count, which is rewritten to the kept count.
    const sizes = op === 'Resize' ? ins[3] : undefined;
    const sv = sizes ? this.constant(sizes) : undefined;
    const r = this.rankOf(ins[0] ?? '');
    if (l0 && !sizes) return l0;
    if (l0 && sv && r !== undefined && tensorDims(sv).join() === String(r) && !ins.slice(4).some(Boolean)) {
      this.sizeActions.push({ node: n, input: 3, index: r + l0.axis, layout: l0 });
      return l0;
    }
    blockAll(`${label(n)} has run-time output sizes`);
    return undefined;
  }

  private pad({ n, ins, l0, blockAll }: Visit): Layout | undefined {
    const pads = ins[1] ? tensorNumbers(this.constant(ins[1]) ?? {}, 64) : attrInts(n, 'pads');
    const r = l0 ? this.rankOf(ins[0] ?? '') : undefined;
    const a = r !== undefined && l0 ? r + l0.axis : -1;
    if (l0 && pads && a >= 0 && pads[a] === 0 && pads[a + pads.length / 2] === 0 && !ins[3]) return l0;
    blockAll(`${label(n)} may pad channels`);
    return undefined;
  }

  private flatten({ n, ins, out, l0, blockAll }: Visit): Layout | undefined {
    // [N, C, 1, 1] → [N, C]: channels become features (after global pooling, before a classifier).
    const s = this.types?.get(ins[0] ?? '')?.shape;
    const o = this.types?.get(out)?.shape;
    const ok =
      l0 && s && o && o.length === 2 && s.length + l0.axis === 1 && s.slice(2).every((d) => d === 1) && o[1] === s[1];
    if (ok) return { segs: l0.segs, axis: -1 };
    blockAll(`${label(n)} mixes channels with other dims`);
    return undefined;
  }

  private newSpace(size: number): number {
    const id = this.spaces.length;
    this.spaces.push({ id, size, scoredBy: [], blocked: [] });
    this.parent.push(id);
    return id;
  }

  private width(l: Layout): number {
    return l.segs.reduce((s, id) => s + this.spaces[id]!.size, 0);
  }

  private rankOf(name: string): number | undefined {
    return this.types?.get(name)?.shape?.length;
  }

  /** Slices a constant input of `n` along the channel axis of `l` (aligned from the right, as broadcasting). */
  private perChannelConstant(n: NodeProto, k: number, l: Layout, outRank: number | undefined): boolean {
    const t = this.constant(n.input?.[k] ?? '');
    if (!t) return false;
    const d = tensorDims(t);
    const count = d.reduce((a, b) => a * b, 1);
    if (count === 1 && (outRank === undefined || d.length <= outRank)) return true;
    const axis = d.length + l.axis;
    if (axis < 0 || d[axis] !== this.width(l) || d.some((x, i) => i !== axis && x !== 1)) return false;
    this.actions.push({ node: n, input: k, axis, layout: l });
    return true;
  }

  private union(a: Layout, b: Layout): boolean {
    if (a.axis !== b.axis || a.segs.length !== b.segs.length) return false;
    if (a.segs.some((s, i) => this.spaces[s]!.size !== this.spaces[b.segs[i]!]!.size)) return false;
    a.segs.forEach((s, i) => {
      const ra = this.root(s);
      const rb = this.root(b.segs[i]!);
      if (ra !== rb) this.parent[rb] = ra;
    });
    return true;
  }

  /** A new channel space created by `n`'s weight input `w` (channels along `wAxis`), laid on `axis`. */
  private source(n: NodeProto, size: number, w: number, wAxis: number, axis: number): Layout {
    const id = this.newSpace(size);
    const l: Layout = { segs: [id], axis };
    this.spaces[id]!.scoredBy.push({ node: n, input: w, axis: wAxis });
    this.actions.push({ node: n, input: w, axis: wAxis, layout: l });
    return l;
  }
}
