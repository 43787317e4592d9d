/**
 * The few attributes a node box shows under its op type, as Netron does (kernel/stride/group for Conv, perm for
 * Transpose, axis …): short text, defaults left out, so a box reads at a glance. Everything else stays in the
 * properties pane (webviewGraph.ts).
 */
import { dtypeName } from '../onnx/dtypes';
import { int64ToNumber } from '../onnx/int64';
import type { AttributeProto, NodeProto } from '../onnx/types';
import type { KeyAttribute } from '../../protocol/webviewProtocol';

const decoder = new TextDecoder();
const MAX_VALUE_CHARS = 28;

type Format = 'dims' | 'list' | 'plain' | 'dtype';
/** Per op: attribute name → how it is written, and the value(s) that are the default and so not shown. */
type Rule = readonly [name: string, format: Format, hideWhen?: (v: string) => boolean];

const ones = (v: string): boolean => /^1(×1)*$/.test(v);
const zeros = (v: string): boolean => /^0(,0)*$/.test(v);
const is = (d: string) => (v: string) => v === d;

const CONV: readonly Rule[] = [
  ['kernel_shape', 'dims'],
  ['strides', 'dims', ones],
  ['pads', 'list', zeros],
  ['dilations', 'dims', ones],
  ['group', 'plain', is('1')],
];
const POOL: readonly Rule[] = [
  ['kernel_shape', 'dims'],
  ['strides', 'dims', ones],
  ['pads', 'list', zeros],
];
const AXIS: readonly Rule[] = [['axis', 'plain']];
const REDUCE: readonly Rule[] = [
  ['axes', 'list'],
  ['keepdims', 'plain', is('1')],
];

const RULES: Readonly<Record<string, readonly Rule[]>> = {
  Conv: CONV,
  ConvTranspose: CONV,
  ConvInteger: CONV,
  QLinearConv: CONV,
  MaxPool: POOL,
  AveragePool: POOL,
  LpPool: POOL,
  Transpose: [['perm', 'list']],
  Concat: AXIS,
  Softmax: AXIS,
  LogSoftmax: AXIS,
  Gather: AXIS,
  GatherElements: AXIS,
  Split: AXIS,
  Flatten: AXIS,
  ArgMax: [
    ['axis', 'plain'],
    ['keepdims', 'plain', is('1')],
  ],
  ArgMin: [
    ['axis', 'plain'],
    ['keepdims', 'plain', is('1')],
  ],
  LayerNormalization: [['axis', 'plain', is('-1')]],
  CumSum: [['exclusive', 'plain', is('0')]],
  ReduceMean: REDUCE,
  ReduceSum: REDUCE,
  ReduceMax: REDUCE,
  ReduceMin: REDUCE,
  ReduceProd: REDUCE,
  ReduceL2: REDUCE,
  Squeeze: [['axes', 'list']],
  Unsqueeze: [['axes', 'list']],
  Gemm: [
    ['transA', 'plain', is('0')],
    ['transB', 'plain', is('0')],
    ['alpha', 'plain', is('1')],
    ['beta', 'plain', is('1')],
  ],
  Cast: [['to', 'dtype']],
  Resize: [['mode', 'plain', is('nearest')]],
  Upsample: [['mode', 'plain', is('nearest')]],
  Clip: [
    ['min', 'plain'],
    ['max', 'plain'],
  ],
  LeakyRelu: [['alpha', 'plain']],
  Elu: [['alpha', 'plain', is('1')]],
  HardSigmoid: [
    ['alpha', 'plain'],
    ['beta', 'plain'],
  ],
  BatchNormalization: [['epsilon', 'plain']],
  Pad: [['mode', 'plain', is('constant')]],
  DepthToSpace: [['blocksize', 'plain']],
  SpaceToDepth: [['blocksize', 'plain']],
  QuantizeLinear: [['axis', 'plain', is('1')]],
  DequantizeLinear: [['axis', 'plain', is('1')]],
};

function format(a: AttributeProto, how: Format): string | undefined {
  if (how === 'dtype') return a.i !== undefined ? dtypeName(int64ToNumber(a.i)) : undefined;
  if (a.ints?.length) return a.ints.map(int64ToNumber).join(how === 'dims' ? '×' : ',');
  if (a.floats?.length) return Array.from(a.floats, (f) => String(Number(f.toPrecision(4)))).join(',');
  if (a.i !== undefined) return String(int64ToNumber(a.i));
  if (a.f !== undefined) return String(Number(a.f.toPrecision(4)));
  if (a.s) return decoder.decode(a.s);
  return undefined;
}

/** Scalars and short lists of any op without a rule above, at most three: better than an empty box. */
function fallback(node: NodeProto): KeyAttribute[] {
  const out: KeyAttribute[] = [];
  for (const a of node.attribute ?? []) {
    if (out.length === 3 || !a.name) break;
    // INT=2, FLOAT=1, STRING=3, INTS=7: graphs and tensors have no short text.
    if (![1, 2, 3, 7].includes(a.type ?? 0)) continue;
    const value = format(a, 'list');
    if (value !== undefined && value.length <= MAX_VALUE_CHARS) out.push({ name: a.name, value });
  }
  return out;
}

/** The attributes `node`'s box shows, in display order; an empty list when there is nothing worth showing. */
export function keyAttributes(node: NodeProto): KeyAttribute[] {
  const rules = RULES[node.op_type ?? ''];
  if (!rules) return node.domain && node.domain !== 'ai.onnx' ? [] : fallback(node);
  const out: KeyAttribute[] = [];
  for (const [name, how, hide] of rules) {
    const a = node.attribute?.find((x) => x.name === name);
    const value = a ? format(a, how) : undefined;
    if (value === undefined || hide?.(value)) continue;
    out.push({ name, value: value.length > MAX_VALUE_CHARS ? `${value.slice(0, MAX_VALUE_CHARS - 1)}…` : value });
  }
  return out;
}
