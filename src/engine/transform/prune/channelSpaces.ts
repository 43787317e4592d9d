/**
 * Which channels can be removed together. A "channel space" is the set of channels one producer creates
 * (a Conv's output channels, a Gemm/MatMul's output features). Spaces flow forward through ops that keep
 * channels apart (activations, BN, pooling, per-channel arithmetic); an elementwise op on two such tensors
 * (a residual Add, an SE block's Mul) joins their spaces, so they are pruned in sync; a channel Concat lays
 * several spaces side by side. Consumers that read channels as a contraction dim (Conv input channels,
 * Gemm/MatMul input features, ConvTranspose input channels) just drop the same slices of their weights.
 *
 * Anything the analysis does not understand (a graph output, a Reshape that mixes channels with other dims,
 * a grouped Conv, a subgraph reading the value, an op outside the lists below) blocks the spaces it touches,
 * with the reason, and those channels stay: the result is always a valid model.
 *
 * Every edit is recorded as a `SliceAction`: "slice input k of this node along this axis, keeping the
 * channels this layout keeps", resolved once the kept channels are chosen.
 */
import { attrInt, attrInts } from '../../graph/attributes';
import type { ValueType } from '../../graph/dims';
import { indexGraph } from '../../graph/graphIndex';
import type { Lookup } from '../../graph/scope';
import { tensorDims, tensorNumbers } from '../../graph/tensorData';
import type { GraphProto, NodeProto, TensorProto } from '../../onnx/types';
import { subgraphsOf } from '../../onnx/walk';
import { outerReads } from '../simplify/graphEdit';

/** Channels of a tensor: spaces laid side by side along `axis` (negative: counted from the last dim). */
export interface Layout {
  readonly segs: readonly number[];
  readonly axis: number;
}

export interface Space {
  readonly id: number;
  readonly size: number;
  /** Weights whose slices along `axis` are this space's channels: used to score channels. */
  readonly scoredBy: { node: NodeProto; input: number; axis: number }[];
  /** Why these channels must stay (empty: prunable). */
  readonly blocked: string[];
}

export interface SliceAction {
  readonly node: NodeProto;
  readonly input: number;
  /** Axis of that input tensor (non-negative). */
  readonly axis: number;
  readonly layout: Layout;
}

export interface ChannelAnalysis {
  readonly spaces: Space[];
  /** Union-find root of a space id (spaces joined by residual Adds share a root). */
  readonly root: (id: number) => number;
  readonly actions: SliceAction[];
  /** Depthwise Convs whose `group` must equal their kept channel count. */
  readonly groupActions: { node: NodeProto; layout: Layout }[];
  /** Constant shape vectors (Resize `sizes`) whose entry `index` must become the kept channel count. */
  readonly sizeActions: { node: NodeProto; input: number; index: number; layout: Layout }[];
  /** Values that carry prunable channels (their declared value_info shapes become stale). */
  readonly carriers: Set<string>;
}

const PASS_THROUGH = new Set([
  'Relu',
  'LeakyRelu',
  'Clip',
  'Sigmoid',
  'HardSigmoid',
  'HardSwish',
  'Tanh',
  'Elu',
  'Selu',
  'Softplus',
  'Softsign',
  'Gelu',
  'Erf',
  'Exp',
  'Log',
  'Sqrt',
  'Neg',
  'Abs',
  'Mish',
  'Identity',
  'Dropout',
  'Cast',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'GlobalMaxPool',
  'LpPool',
  'ThresholdedRelu',
  'Celu',
]);
const ELEMENTWISE = new Set(['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'Pow', 'Sum', 'PRelu']);

export function analyzeChannels(
  g: GraphProto,
  types: Lookup<ValueType> | undefined,
  constant: (name: string) => TensorProto | undefined,
): ChannelAnalysis {
  const spaces: Space[] = [];
  const parent: number[] = [];
  const root = (id: number): number => {
    while (parent[id] !== id) id = parent[id] = parent[parent[id]!]!;
    return id;
  };
  const layouts = new Map<string, Layout>();
  const actions: SliceAction[] = [];
  const groupActions: { node: NodeProto; layout: Layout }[] = [];
  const sizeActions: { node: NodeProto; input: number; index: number; layout: Layout }[] = [];

  const newSpace = (size: number): number => {
    const id = spaces.length;
    spaces.push({ id, size, scoredBy: [], blocked: [] });
    parent.push(id);
    return id;
  };
  const block = (l: Layout | undefined, why: string): void => {
    for (const s of l?.segs ?? []) spaces[s]!.blocked.push(why);
  };
  const width = (l: Layout): number => l.segs.reduce((s, id) => s + spaces[id]!.size, 0);
  const rankOf = (name: string): number | undefined => types?.get(name)?.shape?.length;
  const label = (n: NodeProto): string => `${n.op_type ?? ''} '${n.name ?? ''}'`;

  /** Slices a constant input of `n` along the channel axis of `l` (aligned from the right, as broadcasting). */
  const perChannelConstant = (n: NodeProto, k: number, l: Layout, outRank: number | undefined): boolean => {
    const t = constant(n.input?.[k] ?? '');
    if (!t) return false;
    const d = tensorDims(t);
    const count = d.reduce((a, b) => a * b, 1);
    if (count === 1 && (outRank === undefined || d.length <= outRank)) return true;
    const axis = d.length + l.axis;
    if (axis < 0 || d[axis] !== width(l) || d.some((x, i) => i !== axis && x !== 1)) return false;
    actions.push({ node: n, input: k, axis, layout: l });
    return true;
  };
  const union = (a: Layout, b: Layout): boolean => {
    if (a.axis !== b.axis || a.segs.length !== b.segs.length) return false;
    if (a.segs.some((s, i) => spaces[s]!.size !== spaces[b.segs[i]!]!.size)) return false;
    a.segs.forEach((s, i) => {
      const ra = root(s);
      const rb = root(b.segs[i]!);
      if (ra !== rb) parent[rb] = ra;
    });
    return true;
  };
  const source = (n: NodeProto, size: number, w: number, wAxis: number, axis: number): Layout => {
    const id = newSpace(size);
    const l: Layout = { segs: [id], axis };
    spaces[id]!.scoredBy.push({ node: n, input: w, axis: wAxis });
    actions.push({ node: n, input: w, axis: wAxis, layout: l });
    return l;
  };

  const index = indexGraph(g);
  for (const i of index.order) {
    const n = index.nodes[i]!;
    const op = (n.domain ?? '') === '' || n.domain === 'ai.onnx' ? (n.op_type ?? '') : `${n.domain}:${n.op_type}`;
    const ins = n.input ?? [];
    const out = n.output?.[0] ?? '';
    const inL = ins.map((x) => (x ? layouts.get(x) : undefined));
    const l0 = inL[0];
    const others = inL.filter((l, k) => l && k > 0);
    let outL: Layout | undefined;
    const blockAll = (why: string): void => inL.forEach((l) => block(l, why));
    if (others.length && !ELEMENTWISE.has(op) && op !== 'Concat') blockAll(`${label(n)} reads it as a non-data input`);

    if (op === 'Conv') {
      const w = constant(ins[1] ?? '');
      const b = ins[2] ? constant(ins[2]) : undefined;
      const group = attrInt(n, 'group', 1);
      const wd = w ? tensorDims(w) : [];
      const cin = l0 ? width(l0) : undefined;
      if (!w || (ins[2] && !b)) blockAll(`${label(n)} has weights that are not inline constants`);
      else if (group === 1) {
        if (l0) actions.push({ node: n, input: 1, axis: 1, layout: l0 });
        outL = source(n, wd[0]!, 1, 0, -(wd.length - 1));
        if (b) actions.push({ node: n, input: 2, axis: 0, layout: outL });
      } else if (l0 && cin === group && wd[0] === group && wd[1] === 1) {
        // Depthwise: channel c in → channel c out, so it passes the layout through (ONNX Conv, group = C).
        actions.push({ node: n, input: 1, axis: 0, layout: l0 });
        if (b) actions.push({ node: n, input: 2, axis: 0, layout: l0 });
        groupActions.push({ node: n, layout: l0 });
        outL = l0;
      } else blockAll(`${label(n)} is a grouped convolution (group ${group})`);
    } else if (op === 'ConvTranspose') {
      // ONNX ConvTranspose weights are [Cin, Cout/group, k…]: input channels on axis 0, outputs on axis 1.
      const w = constant(ins[1] ?? '');
      const b = ins[2] ? constant(ins[2]) : undefined;
      const wd = w ? tensorDims(w) : [];
      if (!w || (ins[2] && !b) || attrInt(n, 'group', 1) !== 1 || attrInts(n, 'output_shape'))
        blockAll(`${label(n)} is grouped, has an explicit output_shape or run-time weights`);
      else {
        if (l0) actions.push({ node: n, input: 1, axis: 0, layout: l0 });
        outL = source(n, wd[1]!, 1, 1, -(wd.length - 1));
        if (b) actions.push({ node: n, input: 2, axis: 0, layout: outL });
      }
    } else if (op === 'Gemm' || op === 'MatMul') {
      const w = constant(ins[1] ?? '');
      const wd = w ? tensorDims(w) : [];
      const transB = op === 'Gemm' ? attrInt(n, 'transB', 0) : 0;
      const ok = !!w && wd.length === 2 && (op === 'MatMul' || attrInt(n, 'transA', 0) === 0);
      if (!ok) blockAll(`${label(n)} has run-time or transposed inputs`);
      else {
        if (l0) {
          if (l0.axis === -1) actions.push({ node: n, input: 1, axis: transB ? 1 : 0, layout: l0 });
          else block(l0, `${label(n)} reads channels on a non-feature axis`);
        }
        outL = source(n, transB ? wd[0]! : wd[1]!, 1, transB ? 0 : 1, -1);
        if (ins[2] && !perChannelConstant(n, 2, outL, 2)) block(outL, `${label(n)} has a bias that is not per-feature`);
      }
    } else if (op === 'BatchNormalization' || op === 'InstanceNormalization') {
      const params = op === 'BatchNormalization' ? [1, 2, 3, 4] : [1, 2];
      if (l0 && params.every((k) => constant(ins[k] ?? ''))) {
        for (const k of params) actions.push({ node: n, input: k, axis: 0, layout: l0 });
        outL = l0;
        if ((n.output ?? []).slice(1).some(Boolean)) block(l0, `${label(n)} has training outputs`);
      } else blockAll(`${label(n)} has parameters that are not inline constants`);
    } else if (PASS_THROUGH.has(op)) {
      outL = l0;
      if (op === 'MaxPool' && n.output?.[1]) block(l0, `${label(n)} returns indices`);
    } else if (ELEMENTWISE.has(op)) {
      const withLayout = inL.filter((l): l is Layout => !!l);
      const first = withLayout[0];
      if (first) {
        let ok = withLayout.every((l) => union(first, l));
        const outRank = rankOf(out);
        ins.forEach((x, k) => {
          if (!ok || !x || inL[k]) return;
          if (perChannelConstant(n, k, first, outRank)) return;
          const s = types?.get(x)?.shape;
          const axis = s ? s.length + first.axis : -1;
          // A run-time tensor that broadcasts along channels (dim 1 there) is fine; anything else is not.
          if (!s || (axis >= 0 && s[axis] !== 1)) ok = false;
        });
        if (ok) outL = first;
        else blockAll(`${label(n)} combines it with a tensor of other channels`);
      }
    } else if (op === 'Concat') {
      const r = rankOf(out);
      const axis = attrInt(n, 'axis', 0);
      const chanAxis = l0 ?? inL.find(Boolean);
      if (chanAxis && r !== undefined && (axis < 0 ? axis : axis - r) === chanAxis.axis) {
        const segs: number[] = [];
        let ok = true;
        ins.forEach((x, k) => {
          const l = inL[k];
          if (l && l.axis === chanAxis.axis) segs.push(...l.segs);
          else {
            const s = types?.get(x)?.shape;
            const c = s ? s[s.length + chanAxis.axis] : undefined;
            if (typeof c !== 'number') ok = false;
            else {
              const fixed = newSpace(c);
              spaces[fixed]!.blocked.push(`concatenated input '${x}' has no prunable channels`);
              segs.push(fixed);
            }
          }
        });
        if (ok) outL = { segs, axis: chanAxis.axis };
        else blockAll(`${label(n)} concatenates a tensor of unknown width`);
      } else if (inL.some(Boolean)) blockAll(`${label(n)} concatenates on another axis`);
    } else if (op === 'Resize' || op === 'Upsample') {
      // ONNX Resize-11+: X, roi, scales, sizes. Scales are 1 on channels; constant `sizes` name the channel
      // count, which is rewritten to the kept count.
      const sizes = op === 'Resize' ? ins[3] : undefined;
      const sv = sizes ? constant(sizes) : undefined;
      const r = rankOf(ins[0] ?? '');
      if (l0 && !sizes) outL = l0;
      else if (l0 && sv && r !== undefined && tensorDims(sv).join() === String(r) && !ins.slice(4).some(Boolean)) {
        sizeActions.push({ node: n, input: 3, index: r + l0.axis, layout: l0 });
        outL = l0;
      } else blockAll(`${label(n)} has run-time output sizes`);
    } else if (op === 'Pad') {
      const pads = ins[1] ? tensorNumbers(constant(ins[1]) ?? {}, 64) : attrInts(n, 'pads');
      const r = l0 ? rankOf(ins[0] ?? '') : undefined;
      const a = r !== undefined && l0 ? r + l0.axis : -1;
      if (l0 && pads && a >= 0 && pads[a] === 0 && pads[a + pads.length / 2] === 0 && !ins[3]) outL = l0;
      else blockAll(`${label(n)} may pad channels`);
    } else if (op === 'Flatten' || op === 'Reshape' || op === 'Squeeze') {
      // [N, C, 1, 1] → [N, C]: channels become features (after global pooling, before a classifier).
      const s = types?.get(ins[0] ?? '')?.shape;
      const o = types?.get(out)?.shape;
      const ok =
        l0 && s && o && o.length === 2 && s.length + l0.axis === 1 && s.slice(2).every((d) => d === 1) && o[1] === s[1];
      if (ok) outL = { segs: l0.segs, axis: -1 };
      else blockAll(`${label(n)} mixes channels with other dims`);
    } else blockAll(`${label(n)} is not understood by channel pruning`);

    if (outL && out) layouts.set(out, outL);
    for (const sub of subgraphsOf(n))
      for (const r of outerReads(sub)) block(layouts.get(r), `a subgraph of ${label(n)} reads '${r}'`);
  }
  for (const o of g.output ?? []) block(layouts.get(o.name ?? ''), `'${o.name ?? ''}' is a graph output`);
  return { spaces, root, actions, groupActions, sizeActions, carriers: new Set(layouts.keys()) };
}
