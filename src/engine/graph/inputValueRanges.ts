/**
 * What values each model input can take, read from the graph rather than guessed from names: an integer input
 * is followed through Cast/Unsqueeze/Reshape/Add-a-constant... to its uses, and each use bounds it (Gather
 * indices → [0, rows of the table), OneHot → [0, depth), Range/Slice/Expand/Reshape → small positive counts,
 * Equal-to-a-constant → that constant, Equal-to-0 / Where / 1−x arithmetic → a {0,1} mask, fed as all ones).
 * Floats get a distribution that suits the consumer: images N(0,1), audio uniform in [-1,1], masks 1,
 * recurrent state 0. Pure analysis: no onnxruntime. Every range carries its reason for the report.
 */
import { DataType, type ModelProto, type NodeProto } from '../onnx/types';
import { attrInt } from './attributes';
import { hasSampleRateInput } from './defaultDims';
import { indexGraph, type GraphIndex } from './graphIndex';
import type { GraphShapes } from './shapeInference';
import { typeFromProto } from './shapeInference';
import { tensorDims, tensorNumbers } from './tensorData';
import { isStateName } from './stateNames';

export type ValueDistribution =
  /** Integers drawn uniformly from [min, max). */
  | { readonly kind: 'int-uniform'; readonly min: number; readonly max: number }
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  | { readonly kind: 'normal'; readonly mean: number; readonly std: number }
  | { readonly kind: 'constant'; readonly value: number };

export interface InputValueRange {
  readonly input: string;
  readonly distribution: ValueDistribution;
  readonly reason: string;
  /** 'graph': read from the model's uses; 'default': nothing bounds it; 'user': given with --value. */
  readonly source: 'graph' | 'default' | 'user';
}

const INT_TYPES = new Set<number>([
  DataType.INT64,
  DataType.INT32,
  DataType.INT16,
  DataType.INT8,
  DataType.UINT8,
  DataType.UINT16,
]);
const FLOAT_TYPES = new Set<number>([DataType.FLOAT, DataType.FLOAT16, DataType.DOUBLE, DataType.BFLOAT16]);

/** Ops whose output carries the input's values unchanged (layout or type only), with the data input index. */
const PASS_THROUGH: Record<string, number | readonly number[]> = {
  Where: [1, 2],
  Cast: 0,
  Identity: 0,
  Unsqueeze: 0,
  Squeeze: 0,
  Reshape: 0,
  Flatten: 0,
  Transpose: 0,
  Expand: 0,
  Slice: 0,
  Concat: -1,
  Tile: 0,
  Gather: 0,
  CastLike: 0,
};

/** Inputs that are sizes, counts or positions: small positive values keep them valid. */
const COUNT_USES: Record<string, readonly number[]> = {
  Range: [0, 1, 2],
  Slice: [1, 2, 3, 4],
  Expand: [1],
  Reshape: [1],
  Tile: [1],
  ConstantOfShape: [0],
  TopK: [1],
  Resize: [3],
  Loop: [0],
  Pad: [1],
  Split: [1],
};

interface Use {
  readonly node: NodeProto;
  readonly slot: number;
  /** Constant added to the input's values on the way (Add/Sub of a constant scalar). */
  readonly offset: number;
  /** The value went through a Cast to a floating type. */
  readonly asFloat: boolean;
}

function scalarConstant(index: GraphIndex, name: string | undefined): number | undefined {
  const t = name ? index.constants.get(name) : undefined;
  const v = t ? tensorNumbers(t, 1) : undefined;
  return v && v.length === 1 ? v[0] : undefined;
}

/** Every use of `name`, following ops that carry values through unchanged. */
function usesOf(index: GraphIndex, name: string, offset = 0, asFloat = false, depth = 0, out: Use[] = []): Use[] {
  for (const c of index.consumers.get(name) ?? []) {
    const node = index.nodes[c]!;
    const op = node.op_type ?? '';
    (node.input ?? []).forEach((inp, slot) => {
      if (inp !== name) return;
      out.push({ node, slot, offset, asFloat });
      if (depth > 12 || !node.output?.[0]) return;
      const pass = PASS_THROUGH[op];
      if (pass !== undefined && (pass === -1 || pass === slot || (Array.isArray(pass) && pass.includes(slot)))) {
        const toFloat =
          op === 'Cast' && [DataType.FLOAT, DataType.FLOAT16, DataType.DOUBLE].includes(attrInt(node, 'to', 0));
        usesOf(index, node.output[0], offset, asFloat || toFloat, depth + 1, out);
      } else if ((op === 'Add' || op === 'Sub') && slot === 0) {
        const c2 = scalarConstant(index, node.input?.[1]);
        if (c2 !== undefined)
          usesOf(index, node.output[0], offset + (op === 'Add' ? c2 : -c2), asFloat, depth + 1, out);
      }
    });
  }
  return out;
}

/** Rows along `axis` of a Gather table: from its constant, else from inferred shapes. */
function tableRows(
  index: GraphIndex,
  shapes: GraphShapes | undefined,
  table: string,
  axis: number,
): number | undefined {
  const t = index.constants.get(table);
  const dims = t ? tensorDims(t) : shapes?.types.get(table)?.shape;
  if (!dims) return undefined;
  const d = dims[axis < 0 ? axis + dims.length : axis];
  return typeof d === 'number' && d > 0 ? d : undefined;
}

function intRange(index: GraphIndex, shapes: GraphShapes | undefined, input: string): InputValueRange {
  const uses = usesOf(index, input);
  let upper: { max: number; reason: string } | undefined;
  let equal: { value: number; reason: string } | undefined;
  let mask: string | undefined;
  let count: string | undefined;
  for (const { node, slot, offset, asFloat } of uses) {
    const op = node.op_type ?? '';
    const where = `${op} '${node.name ?? ''}'`;
    if ((op === 'Gather' || op === 'GatherElements') && slot === 1) {
      const rows = tableRows(index, shapes, node.input?.[0] ?? '', attrInt(node, 'axis', 0));
      if (rows !== undefined && (!upper || rows - offset < upper.max))
        upper = { max: rows - offset, reason: `indices of ${where} into a table of ${rows} rows` };
    } else if (op === 'OneHot' && slot === 0) {
      const depth = scalarConstant(index, node.input?.[1]);
      if (depth !== undefined && (!upper || depth - offset < upper.max))
        upper = { max: depth - offset, reason: `indices of ${where} with depth ${depth}` };
    } else if (op === 'Equal') {
      const c = scalarConstant(index, node.input?.[1 - slot]);
      if (c === 0) mask ??= `compared with 0 by ${where}: a {0,1} mask`;
      else if (c !== undefined && (!equal || c - offset > equal.value))
        equal = { value: c - offset, reason: `compared with the constant ${c} by ${where}` };
    } else if (op === 'Where' && slot === 0) mask ??= `condition of ${where}: a {0,1} mask`;
    else if (asFloat && (op === 'Sub' || op === 'Mul')) mask ??= `cast to float and used in ${where}: a {0,1} mask`;
    else if (COUNT_USES[op]?.includes(slot)) count ??= `a size or count for ${where}`;
  }
  if (upper && upper.max > 0) {
    const min = Math.max(0, -uses.reduce((m, u) => Math.min(m, u.offset), 0));
    return { input, distribution: { kind: 'int-uniform', min, max: upper.max }, reason: upper.reason, source: 'graph' };
  }
  if (equal)
    return { input, distribution: { kind: 'constant', value: equal.value }, reason: equal.reason, source: 'graph' };
  if (mask)
    return {
      input,
      distribution: { kind: 'constant', value: 1 },
      reason: `${mask} (all ones: every position kept)`,
      source: 'graph',
    };
  if (count) return { input, distribution: { kind: 'int-uniform', min: 1, max: 5 }, reason: count, source: 'graph' };
  return {
    input,
    distribution: { kind: 'int-uniform', min: 0, max: 100 },
    reason: 'no use in the graph bounds it; small non-negative integers',
    source: 'default',
  };
}

const isMaskName = (s: string): boolean => /mask/i.test(s);
const isAudioName = (s: string): boolean => /audio|wav|pcm|waveform|samples|speech/i.test(s);

function floatRange(
  index: GraphIndex,
  input: string,
  shape: readonly (number | string | null)[] | null,
  sampleRate: boolean,
): InputValueRange {
  const uses = usesOf(index, input);
  const ops = new Set(uses.map((u) => u.node.op_type ?? ''));
  const rank = shape?.length ?? -1;
  if (rank === 4 && uses.some((u) => u.node.op_type === 'Conv'))
    return {
      input,
      distribution: { kind: 'normal', mean: 0, std: 1 },
      reason: 'image input of a Conv stem: normalised pixels, N(0,1)',
      source: 'graph',
    };
  if (isMaskName(input) || uses.some((u) => u.node.op_type === 'Where' && u.slot === 0))
    return { input, distribution: { kind: 'constant', value: 1 }, reason: 'a mask: all ones', source: 'graph' };
  if (
    rank >= 1 &&
    rank <= 2 &&
    (isAudioName(input) || ops.has('STFT') || ops.has('DFT') || (ops.has('Conv') && rank <= 2) || sampleRate)
  )
    return {
      input,
      distribution: { kind: 'uniform', min: -1, max: 1 },
      reason: 'audio waveform: samples in [-1, 1]',
      source: 'graph',
    };
  if (isStateName(input) || uses.some((u) => ['LSTM', 'GRU', 'RNN'].includes(u.node.op_type ?? '') && u.slot >= 5))
    return {
      input,
      distribution: { kind: 'constant', value: 0 },
      reason: 'recurrent state: zeros, as at the start of a stream',
      source: 'graph',
    };
  return {
    input,
    distribution: { kind: 'normal', mean: 0, std: 1 },
    reason: 'float input with no more specific consumer: N(0,1)',
    source: 'default',
  };
}

/** Value ranges for every graph input (initializers listed as inputs by old exporters are skipped). */
export function inputValueRanges(model: ModelProto, shapes?: GraphShapes): InputValueRange[] {
  const graph = model.graph ?? {};
  const index = shapes?.index ?? indexGraph(graph);
  const inits = new Set((graph.initializer ?? []).map((t) => t.name));
  const out: InputValueRange[] = [];
  // A model that takes a sample rate takes audio: its float rank-1/2 input is a waveform.
  const sampleRate = hasSampleRateInput(graph, index);
  for (const v of graph.input ?? []) {
    if (!v.name || inits.has(v.name)) continue;
    const t = typeFromProto(v.type);
    if (INT_TYPES.has(t.dtype)) out.push(intRange(index, shapes, v.name));
    else if (FLOAT_TYPES.has(t.dtype)) out.push(floatRange(index, v.name, t.shape, sampleRate));
    else if (t.dtype === DataType.BOOL)
      out.push({
        input: v.name,
        distribution: { kind: 'constant', value: 1 },
        reason: 'boolean input: true',
        source: 'default',
      });
  }
  return out;
}

export function formatDistribution(d: ValueDistribution): string {
  switch (d.kind) {
    case 'int-uniform':
      return `ints in [${d.min}, ${d.max})`;
    case 'uniform':
      return `uniform in [${d.min}, ${d.max}]`;
    case 'normal':
      return `N(${d.mean}, ${d.std})`;
    case 'constant':
      return `all ${d.value}`;
  }
}

export function formatValueRanges(ranges: readonly InputValueRange[]): string {
  if (!ranges.length) return '';
  return [
    'input values (override with --value name=N or name=LO..HI, or real data with --inputs):',
    ...ranges.map(
      (r) =>
        `  ${r.input.padEnd(28)} ${formatDistribution(r.distribution).padEnd(22)} ${r.reason}${r.source === 'user' ? ' (--value)' : ''}`,
    ),
  ].join('\n');
}
