/**
 * Structured pruning: removes whole output channels of Convs (and output features of Gemm/MatMul) with the
 * smallest weight norms, and rewrites every tensor that depends on them (see channelSpaces.ts), so the
 * pruned model is smaller and faster on ordinary dense kernels. Channels joined by a residual Add are
 * scored together (sum of each producer's norms, each normalised by its mean) and removed in sync.
 */
import { indexGraph } from '../../graph/graphIndex';
import { inferShapes } from '../../graph/shapeInference';
import { tensorNumbers } from '../../graph/tensorData';
import type { ValueType } from '../../graph/dims';
import type { Lookup } from '../../graph/scope';
import { AttributeType, type GraphProto, type ModelProto, type TensorProto } from '../../onnx/types';
import type { TransformChange, TransformResult } from '../common/changes';
import { int64Tensor } from '../common/weights';
import { removeDeadCode } from '../simplify/eliminate';
import { allNames, cloneModel, freshName } from '../simplify/graphEdit';
import { analyzeChannels, type Layout } from './channelSpaces';
import { sliceAlongAxis, sliceNorms } from './sliceTensor';

export interface StructuredPruneOptions {
  /** Share of channels to remove, 0..1. */
  readonly ratio: number;
  /** 'layer': each channel group loses `ratio` of its channels; 'global': the lowest-scoring `ratio` of all. */
  readonly scope?: 'layer' | 'global';
  readonly norm?: 'l1' | 'l2';
  /** Only groups with a producing node whose name matches. */
  readonly layers?: RegExp;
  /** In 'global' scope, no group loses more than this share (default 0.9). */
  readonly maxLayerRatio?: number;
  /**
   * Round each group's kept channel count to the nearest multiple of this (default 16), when the group has
   * at least twice as many channels and is a multiple of it. onnxruntime's fast CPU convolution (NCHWc,
   * level `all`) works on blocks of 8 or 16 channels and falls back to a slower kernel otherwise: measured
   * on the ResNet test model, 30% pruned to 23/45/90 channels ran no faster than the original (1.00×).
   * Set 1 to keep exact counts.
   */
  readonly channelMultiple?: number;
  readonly dims?: Readonly<Record<string, number>>;
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
}

export interface SkippedLayer {
  /** The producing nodes of the channel group. */
  readonly layer: string;
  readonly reason: string;
}

export interface PrunedLayer {
  readonly layer: string;
  readonly before: number;
  readonly after: number;
}

export interface StructuredPruneResult extends TransformResult {
  readonly skipped: readonly SkippedLayer[];
  readonly pruned: readonly PrunedLayer[];
}

interface Group {
  readonly root: number;
  readonly size: number;
  readonly layer: string;
  readonly sources: string[];
  readonly blocked: string[];
  readonly scores: Float64Array;
}

export function pruneStructured(model: ModelProto, opts: StructuredPruneOptions): StructuredPruneResult {
  if (!(opts.ratio >= 0 && opts.ratio < 1)) throw new RangeError(`prune ratio must be in [0, 1), got ${opts.ratio}`);
  const out = cloneModel(model);
  const g = out.graph;
  const changes: TransformChange[] = [];
  if (!g) return { model: out, changes, skipped: [], pruned: [] };
  let types: Lookup<ValueType> | undefined;
  try {
    types = inferShapes(out, { dims: opts.dims ?? {}, inputShapes: opts.inputShapes ?? {} }).main.types;
  } catch {
    types = undefined;
  }
  const index = indexGraph(g);
  const inputs = new Set((g.input ?? []).map((v) => v.name ?? ''));
  // Inline constants only: weights in external data files are left alone (their groups are skipped).
  const constant: ConstantOf = (name) => {
    const t = inputs.has(name) ? undefined : index.constants.get(name);
    return t && t.data_location !== 1 ? t : undefined;
  };
  const a = analyzeChannels(g, types, constant);
  const norm = opts.norm ?? 'l1';
  const { eligible, skipped } = eligibleGroups(scoreGroups(a, constant, norm), opts);
  const { keep, pruned } = chooseKept(eligible, keepCounts(eligible, opts), opts.channelMultiple ?? 16);
  for (const p of pruned)
    changes.push({
      kind: 'removed',
      node: p.layer,
      detail: `${p.before - p.after} of ${p.before} channels removed (${norm.toUpperCase()} norm)`,
    });
  for (const s of skipped) changes.push({ kind: 'skipped', node: s.layer, detail: s.reason });
  rewriteKept(g, a, keep, constant);
  if (keep.size) {
    g.value_info = (g.value_info ?? []).filter((v) => !a.carriers.has(v.name ?? ''));
    removeDeadCode(g, changes);
  }
  return { model: out, changes, skipped, pruned };
}

type ConstantOf = (name: string) => TensorProto | undefined;
type Analysis = ReturnType<typeof analyzeChannels>;

/**
 * One group per set of channel spaces that must shrink together (joined by residual Adds), scored by the sum
 * of each producer's per-channel weight norms, each normalised by its mean.
 */
function scoreGroups(a: Analysis, constant: ConstantOf, norm: 'l1' | 'l2'): Group[] {
  const groups = new Map<number, Group>();
  for (const s of a.spaces) {
    const r = a.root(s.id);
    let grp = groups.get(r);
    if (!grp) {
      grp = { root: r, size: s.size, layer: '', sources: [], blocked: [], scores: new Float64Array(s.size) };
      groups.set(r, grp);
    }
    grp.blocked.push(...s.blocked);
    for (const src of s.scoredBy) {
      grp.sources.push(src.node.name || src.node.op_type || '?');
      const w = constant(src.node.input?.[src.input] ?? '');
      const nrm = w ? sliceNorms(w, src.axis, norm) : undefined;
      if (!nrm || nrm.length !== grp.size) {
        grp.blocked.push(`weights of '${src.node.name ?? ''}' cannot be read`);
        continue;
      }
      const mean = nrm.reduce((x, y) => x + y, 0) / nrm.length || 1;
      for (let k = 0; k < grp.size; k++) grp.scores[k] = grp.scores[k]! + nrm[k]! / mean;
    }
  }
  return [...groups.values()].filter((grp) => grp.sources.length > 0);
}

const named = (grp: Group): string => grp.sources.join(' + ');

/** The groups that may be pruned (selected by --layers, nothing blocking, more than one channel). */
function eligibleGroups(all: Group[], opts: StructuredPruneOptions): { eligible: Group[]; skipped: SkippedLayer[] } {
  const skipped: SkippedLayer[] = [];
  const eligible = all.filter((grp) => {
    if (opts.layers && !grp.sources.some((s) => opts.layers!.test(s))) return false;
    if (grp.blocked.length) {
      skipped.push({ layer: named(grp), reason: [...new Set(grp.blocked)].slice(0, 3).join('; ') });
      return false;
    }
    return grp.size > 1;
  });
  return { eligible, skipped };
}

/** How many channels each group keeps: `ratio` off each group, or the lowest-scoring `ratio` of all (capped). */
function keepCounts(eligible: Group[], opts: StructuredPruneOptions): Map<number, number> {
  const keepCount = new Map<number, number>();
  if ((opts.scope ?? 'layer') === 'layer') {
    for (const grp of eligible) keepCount.set(grp.root, Math.max(1, grp.size - Math.floor(grp.size * opts.ratio)));
    return keepCount;
  }
  const cap = opts.maxLayerRatio ?? 0.9;
  const pool = eligible.flatMap((grp) => Array.from(grp.scores, (s) => ({ grp, s })));
  pool.sort((x, y) => x.s - y.s);
  const removed = new Map<number, number>();
  let budget = Math.floor(pool.length * opts.ratio);
  for (const { grp } of pool) {
    if (budget === 0) break;
    const r = removed.get(grp.root) ?? 0;
    if (r + 1 > Math.floor(grp.size * cap) || r + 1 >= grp.size) continue;
    removed.set(grp.root, r + 1);
    budget--;
  }
  for (const grp of eligible) keepCount.set(grp.root, grp.size - (removed.get(grp.root) ?? 0));
  return keepCount;
}

/** The channels each group keeps (highest scores, in index order), its count rounded to `multiple`. */
function chooseKept(
  eligible: Group[],
  keepCount: ReadonlyMap<number, number>,
  multiple: number,
): { keep: Map<number, number[]>; pruned: PrunedLayer[] } {
  const rounded = (k: number, size: number): number =>
    multiple > 1 && size >= 2 * multiple && size % multiple === 0
      ? Math.min(size, Math.max(multiple, Math.round(k / multiple) * multiple))
      : k;
  const keep = new Map<number, number[]>();
  const pruned: PrunedLayer[] = [];
  for (const grp of eligible) {
    const k = rounded(keepCount.get(grp.root)!, grp.size);
    if (k >= grp.size) continue;
    const order = Array.from(grp.scores.keys()).sort((x, y) => grp.scores[y]! - grp.scores[x]! || x - y);
    keep.set(
      grp.root,
      order.slice(0, k).sort((x, y) => x - y),
    );
    pruned.push({ layer: named(grp), before: grp.size, after: k });
  }
  return { keep, pruned };
}

/** Slices every weight along its pruned axes, and rewrites group counts and constant shapes to match. */
function rewriteKept(g: GraphProto, a: Analysis, keep: ReadonlyMap<number, number[]>, constant: ConstantOf): void {
  const indicesOf = (l: Layout): number[] | undefined => {
    const outIdx: number[] = [];
    let offset = 0;
    let changed = false;
    for (const s of l.segs) {
      const size = a.spaces[s]!.size;
      const kept = keep.get(a.root(s));
      if (kept) changed = true;
      for (const k of kept ?? Array.from({ length: size }, (_, i) => i)) outIdx.push(offset + k);
      offset += size;
    }
    return changed ? outIdx : undefined;
  };
  const taken = allNames(g);
  const created = new Map<string, TensorProto>();
  for (const act of a.actions) {
    const idx = indicesOf(act.layout);
    const name = act.node.input?.[act.input] ?? '';
    const t = created.get(name) ?? constant(name);
    if (!idx || !t) continue;
    const newName = freshName(taken, `${name}_pruned`);
    const sliced = sliceAlongAxis(t, act.axis, idx, newName);
    if (!sliced) throw new Error(`cannot slice weight '${name}' of node '${act.node.name ?? ''}'`);
    created.set(newName, sliced);
    (g.initializer ??= []).push(sliced);
    act.node.input![act.input] = newName;
  }
  for (const ga of a.groupActions) {
    const idx = indicesOf(ga.layout);
    if (!idx) continue;
    ga.node.attribute = (ga.node.attribute ?? []).map((at) =>
      at.name === 'group' ? { name: 'group', type: AttributeType.INT, i: idx.length } : at,
    );
  }
  for (const sa of a.sizeActions) {
    const idx = indicesOf(sa.layout);
    const name = sa.node.input?.[sa.input] ?? '';
    const values = constant(name) && tensorNumbers(constant(name)!, 16);
    if (!idx || !values) continue;
    values[sa.index] = idx.length;
    const newName = freshName(taken, `${name}_pruned`);
    (g.initializer ??= []).push(int64Tensor(newName, [values.length], values));
    sa.node.input![sa.input] = newName;
  }
}
