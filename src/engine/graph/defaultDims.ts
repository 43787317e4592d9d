/**
 * Representative sizes for the open dims of a model's inputs, so that profiles, costs and advice are computed
 * on a shape a deployment would use, never silently on 1s: batch-like → 1, sequence-like → 128, the spatial
 * dims of an image → 224 rounded up to the stride chain's multiple (640 when the graph is evidently a
 * detector: strided backbone plus upsampling), a channel or feature dim → what the first consumer's weight
 * implies. User values (`--dims`, `--shape`) always win. Every assumption is listed with its reason.
 */
import { DataType, type GraphProto, type ModelProto, type NodeProto } from '../onnx/types';
import { attrInt, attrInts } from './attributes';
import { indexGraph, type GraphIndex } from './graphIndex';
import { typeFromProto } from './shapeInference';
import { tensorDims, tensorNumbers } from './tensorData';
import { isStateName } from './stateNames';

export interface DimAssumption {
  readonly input: string;
  readonly axis: number;
  /** The dim's symbol, or null for an unnamed dim. */
  readonly symbol: string | null;
  readonly value: number;
  readonly reason: string;
}

export interface DimPlan {
  /** A value for every named symbolic dim of the inputs (the user's, or assumed). */
  readonly dims: Record<string, number>;
  /** A concrete shape for every input that has an open dim (user shapes included). */
  readonly inputShapes: Record<string, number[]>;
  /** The dims that were assumed (not given by the user), in input order. */
  readonly assumed: DimAssumption[];
}

export interface UserDims {
  readonly dims?: Readonly<Record<string, number>>;
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
}

export const DEFAULT_BATCH = 1;
export const DEFAULT_SEQUENCE = 128;
export const DEFAULT_IMAGE = 224;
export const DEFAULT_DETECTION_IMAGE = 640;
const DEFAULT_AUDIO_SAMPLES = 16000;

const FLOAT_TYPES = new Set<number>([DataType.FLOAT, DataType.FLOAT16, DataType.DOUBLE, DataType.BFLOAT16]);
const INT_TYPES = new Set<number>([DataType.INT64, DataType.INT32]);

const isBatchName = (s: string): boolean => /^(n|b|bs|batch.*|.*_batch|.*batch_size|num_images)$/i.test(s);
const isSequenceName = (s: string): boolean =>
  /(^|_)(seq|sequence|seqlen|len|length|tokens?|time|frames|steps)(_|$)|_length$|sequence|^past_/i.test(s);
const isSpatialName = (s: string): boolean => /^(h|w|height|width|img_h|img_w|.*_height|.*_width)$/i.test(s);
const isAudioName = (s: string): boolean => /audio|wav|pcm|waveform|samples|speech/i.test(s);
const STREAM_CHUNK = 512;

/** An int scalar input the graph compares with a sample rate (16000, 8000...), or one named like one. */
export function hasSampleRateInput(graph: GraphProto, index: GraphIndex): boolean {
  return graphInputs(graph).some(
    (v) =>
      INT_TYPES.has(v.dtype) &&
      v.shape.length <= 1 &&
      (/^(sr|sample_?rate|sampling_?rate)$/i.test(v.name) ||
        (index.consumers.get(v.name) ?? []).some((c) => {
          const n = index.nodes[c]!;
          const other = n.input?.find((x) => x !== v.name);
          const t = other ? index.constants.get(other) : undefined;
          const value = t ? tensorNumbers(t, 1)?.[0] : undefined;
          return n.op_type === 'Equal' && value !== undefined && value % 8000 === 0 && value > 0;
        })),
  );
}

/** The longest chain of strided Conv/pool nodes (product of strides) and whether the graph upsamples. */
function strideChain(index: GraphIndex): { stride: number; upsamples: boolean } {
  const strideOf = new Map<string, number>();
  let max = 1;
  let upsamples = false;
  for (const i of index.order) {
    const n = index.nodes[i]!;
    const op = n.op_type ?? '';
    if (op === 'Resize' || op === 'Upsample' || op === 'ConvTranspose') upsamples = true;
    let s = Math.max(1, ...(n.input ?? []).map((x) => strideOf.get(x) ?? 1));
    if (op === 'Conv' || op === 'MaxPool' || op === 'AveragePool') s *= Math.max(...(attrInts(n, 'strides') ?? [1]), 1);
    if (op === 'GlobalAveragePool' || op === 'GlobalMaxPool') s = 1;
    max = Math.max(max, s);
    for (const o of n.output ?? []) strideOf.set(o, s);
  }
  return { stride: Math.min(max, 64), upsamples };
}

/** The nodes that read a value, looking through ops that do not change the layout of the data. */
function consumersThrough(index: GraphIndex, name: string, depth = 0): NodeProto[] {
  const out: NodeProto[] = [];
  for (const c of index.consumers.get(name) ?? []) {
    const n = index.nodes[c]!;
    if (depth < 4 && ['Cast', 'Identity', 'Sub', 'Div', 'Mul', 'Add'].includes(n.op_type ?? '') && n.output?.[0])
      out.push(...consumersThrough(index, n.output[0], depth + 1));
    else out.push(n);
  }
  return out;
}

/** A dim the first consumer's constant weight implies: Conv input channels, MatMul/Gemm inner size. */
function impliedByWeight(index: GraphIndex, input: string, axis: number, rank: number): number | undefined {
  for (const n of consumersThrough(index, input)) {
    const w = index.constants.get(n.input?.[1] ?? '');
    if (!w) continue;
    const wd = tensorDims(w);
    if (n.op_type === 'Conv' && axis === 1 && wd.length >= 2) return wd[1]! * attrInt(n, 'group', 1);
    if (n.op_type === 'MatMul' && axis === rank - 1 && wd.length >= 2) return wd[wd.length - 2];
    if (n.op_type === 'Gemm' && axis === rank - 1 && wd.length === 2) return attrInt(n, 'transB', 0) ? wd[1] : wd[0];
  }
  return undefined;
}

interface InputInfo {
  readonly name: string;
  readonly dtype: number;
  readonly shape: (number | string | null)[];
}

function graphInputs(graph: GraphProto): InputInfo[] {
  const inits = new Set((graph.initializer ?? []).map((t) => t.name));
  return (graph.input ?? [])
    .filter((v) => v.name && !inits.has(v.name))
    .map((v) => {
      const t = typeFromProto(v.type);
      return { name: v.name!, dtype: t.dtype, shape: t.shape ?? [] };
    });
}

/** `past_sequence_length + sequence_length` or `seq + 1`: the terms of a sum-named dim, else undefined. */
function sumTerms(symbol: string): string[] | undefined {
  const terms = symbol.split('+').map((t) => t.trim());
  return terms.length > 1 && terms.every((t) => /^[\w.]+$/.test(t)) ? terms : undefined;
}

/** Exporters name a dim after the sum it holds (the KV-cache mask's `past + new`); evaluate it from its terms. */
function evaluateSum(terms: readonly string[], dims: Readonly<Record<string, number>>): number | undefined {
  let total = 0;
  for (const t of terms) {
    const v = /^\d+$/.test(t) ? Number(t) : dims[t];
    if (v === undefined) return undefined;
    total += v;
  }
  return total;
}

/** `index`: an index of `model.graph` the caller already built (indexGraph), to reuse. */
export function defaultDims(model: ModelProto, user: UserDims = {}, index?: GraphIndex): DimPlan {
  const graph = model.graph ?? {};
  const idx = index?.graph === graph ? index : indexGraph(graph);
  const deferred = new Set<string>();
  const plan = planDims(model, user, deferred, idx);
  if (!deferred.size) return plan;
  // Second pass for the inputs with sum-named dims, now that their terms have values.
  const settled = Object.entries(plan.inputShapes).filter(([name]) => !deferred.has(name));
  const assumed = plan.assumed.filter((a) => !deferred.has(a.input));
  const second = planDims(model, { dims: plan.dims, inputShapes: Object.fromEntries(settled) }, undefined, idx);
  const order = new Map(graphInputs(model.graph ?? {}).map((v, i) => [v.name, i]));
  return {
    ...second,
    assumed: [...assumed, ...second.assumed].sort((a, b) => (order.get(a.input) ?? 0) - (order.get(b.input) ?? 0)),
  };
}

/** One pass over the inputs; with `deferred`, sum-named dims wait (their inputs are recorded there). */
function planDims(model: ModelProto, user: UserDims, deferred: Set<string> | undefined, index: GraphIndex): DimPlan {
  const graph = model.graph ?? {};
  const chain = strideChain(index);
  const sampleRate = hasSampleRateInput(graph, index);
  const streaming = graphInputs(graph).some((v) => isStateName(v.name));
  const dims: Record<string, number> = { ...(user.dims ?? {}) };
  const inputShapes: Record<string, number[]> = {};
  const assumed: DimAssumption[] = [];
  for (const input of graphInputs(graph)) {
    const given = user.inputShapes?.[input.name];
    if (given) {
      inputShapes[input.name] = [...given];
      continue;
    }
    const { shape } = input;
    const rank = shape.length;
    const isFloat = FLOAT_TYPES.has(input.dtype);
    const channels = shape[1];
    const isImage =
      rank === 4 &&
      isFloat &&
      (channels === 1 || channels === 3 || consumersThrough(index, input.name).some((n) => n.op_type === 'Conv'));
    const isIds = INT_TYPES.has(input.dtype) && rank === 2;
    let open = false;
    const concrete = shape.map((d, axis): number => {
      if (typeof d === 'number' && d >= 0) return d;
      const symbol = typeof d === 'string' && d ? d : null;
      if (symbol !== null && dims[symbol] !== undefined) return dims[symbol]!;
      open = true;
      const terms = symbol !== null ? sumTerms(symbol) : undefined;
      if (terms && deferred) {
        deferred.add(input.name);
        return 0; // filled in by the second pass
      }
      const sum = terms ? evaluateSum(terms, dims) : undefined;
      const pick = (value: number, reason: string): number => {
        assumed.push({ input: input.name, axis, symbol, value, reason });
        if (symbol !== null) dims[symbol] = value;
        return value;
      };
      const label = symbol ?? `axis ${axis}`;
      if (sum !== undefined)
        return pick(sum, `the sum its name states (${terms!.map((t) => `${t}=${dims[t] ?? t}`).join(' + ')})`);
      const weight = impliedByWeight(index, input.name, axis, rank);
      if (weight !== undefined) return pick(weight, `${label}: the size the first consumer's weight expects`);
      if (symbol && isBatchName(symbol)) return pick(DEFAULT_BATCH, `batch-like name '${symbol}'`);
      if (
        isFloat &&
        rank <= 2 &&
        axis > 0 &&
        (sampleRate || isAudioName(input.name) || (symbol && isAudioName(symbol)))
      )
        return streaming
          ? pick(
              STREAM_CHUNK,
              `${label}: audio chunk of a streaming model with state inputs (512 samples, 32 ms at 16 kHz)`,
            )
          : pick(DEFAULT_AUDIO_SAMPLES, `${label}: audio samples (one second at 16 kHz)`);
      if (symbol && isSequenceName(symbol)) return pick(DEFAULT_SEQUENCE, `sequence-like name '${symbol}'`);
      if (isImage && (axis === 2 || axis === 3)) {
        const detector = chain.upsamples && chain.stride >= 32;
        const base = detector ? DEFAULT_DETECTION_IMAGE : DEFAULT_IMAGE;
        const size = Math.ceil(base / chain.stride) * chain.stride;
        return pick(
          size,
          `spatial dim of image input '${input.name}': ${detector ? 'detection-style stem (stride ' + chain.stride + ' backbone with upsampling), ' : ''}${base} rounded to the stride chain's multiple of ${chain.stride}`,
        );
      }
      if (symbol && isSpatialName(symbol)) return pick(DEFAULT_IMAGE, `spatial-like name '${symbol}'`);
      if (isIds && axis === 1) return pick(DEFAULT_SEQUENCE, `second dim of integer ids input '${input.name}'`);
      if (axis === 0 && rank >= 2) return pick(DEFAULT_BATCH, `${label}: first dim of a rank-${rank} input (batch)`);
      if (isStateName(input.name) && axis < rank - 1)
        return pick(
          DEFAULT_BATCH,
          `${label}: the batch position of recurrent state '${input.name}' [layers, batch, hidden]`,
        );
      return pick(DEFAULT_SEQUENCE, `${label}: an open length with no other clue (sequence-like default)`);
    });
    if (open || shape.some((d) => typeof d !== 'number')) inputShapes[input.name] = concrete;
  }
  return { dims, inputShapes, assumed };
}

/** The assumptions as a table for text output; empty when nothing was assumed. */
export function formatDimAssumptions(assumed: readonly DimAssumption[]): string {
  if (!assumed.length) return '';
  const rows = assumed.map(
    (a) =>
      `  ${`${a.input}[${a.axis}]`.padEnd(28)} ${(a.symbol ?? '(unnamed)').padEnd(20)} ${String(a.value).padStart(6)}  ${a.reason}`,
  );
  return [
    'assumed input dims (override with --dims name=N or --shape input=1x3x224x224):',
    `  ${'input[axis]'.padEnd(28)} ${'dim'.padEnd(20)} ${'value'.padStart(6)}  why`,
    ...rows,
  ].join('\n');
}
