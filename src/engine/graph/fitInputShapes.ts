/**
 * Whether the input shapes a user configured fit a given model. Settings such as the extension's
 * `onnxTuner.inputShapes` are read for every model in a workspace, so a shape meant for one model (`x` of a
 * detector) must not make another model fail with "the model has no input 'x'": an entry that names no input
 * of this model, or gives the wrong rank or contradicts a fixed dim, is dropped for it, and the caller is told
 * which entry, from which setting, and why — in one line it can show the user.
 */
import type { GraphProto } from '../onnx/types';
import { typeFromProto } from './shapeInference';

/** A graph input as declared: dims are numbers (fixed), names (symbolic) or null (unnamed/open). */
export interface InputSignature {
  readonly name: string;
  readonly shape: readonly (number | string | null)[];
}

/** One configured shape and where it came from (a setting's name, shown to the user). */
export interface GivenShape {
  readonly input: string;
  readonly shape: readonly number[];
  readonly source: string;
}

export interface IgnoredShape extends GivenShape {
  /** Why it does not fit, e.g. "the model has no input 'x' (its inputs: input)". */
  readonly reason: string;
}

export interface FittedShapes {
  readonly inputShapes: Record<string, number[]>;
  readonly ignored: readonly IgnoredShape[];
}

/** The graph's real inputs (initializers listed as inputs by old exporters are weights, not inputs). */
export function inputSignatures(graph: GraphProto): InputSignature[] {
  const inits = new Set((graph.initializer ?? []).map((t) => t.name));
  return (graph.input ?? [])
    .filter((v) => v.name && !inits.has(v.name))
    .map((v) => ({
      name: v.name!,
      shape: (typeFromProto(v.type).shape ?? []).map((d) => (typeof d === 'number' && d < 0 ? null : d)),
    }));
}

/** `1×3×640×640`, `?×3×?×?` for open dims, `batch×128` for named ones. */
export function formatShape(shape: readonly (number | string | null)[]): string {
  return shape.length ? shape.map((d) => (d === null ? '?' : String(d))).join('×') : 'scalar';
}

function misfit(sig: InputSignature | undefined, given: GivenShape, all: readonly InputSignature[]): string | null {
  if (!sig) {
    const names = all.map((s) => s.name).join(', ') || 'none';
    return `the model has no input '${given.input}' (its inputs: ${names})`;
  }
  if (sig.shape.length && sig.shape.length !== given.shape.length)
    return `'${given.input}' has ${sig.shape.length} dims (${formatShape(sig.shape)}), the setting gives ${given.shape.length}`;
  for (let i = 0; i < sig.shape.length; i++) {
    const d = sig.shape[i];
    if (typeof d === 'number' && d > 0 && d !== given.shape[i])
      return `dim ${i} of '${given.input}' is fixed at ${d} (${formatShape(sig.shape)}), the setting gives ${given.shape[i]}`;
  }
  return null;
}

/** Keeps the given shapes that fit `inputs`; the last given entry for an input wins. */
export function fitInputShapes(inputs: readonly InputSignature[], given: readonly GivenShape[]): FittedShapes {
  const byName = new Map(inputs.map((s) => [s.name, s]));
  const inputShapes: Record<string, number[]> = {};
  const ignored: IgnoredShape[] = [];
  for (const g of given) {
    const reason = misfit(byName.get(g.input), g, inputs);
    if (reason === null) inputShapes[g.input] = [...g.shape];
    else ignored.push({ ...g, reason });
  }
  return { inputShapes, ignored };
}

/** The one-line notice for an ignored entry, naming the setting and the model. */
export function ignoredShapeNotice(model: string, i: IgnoredShape): string {
  return `${i.source} '${i.input}' = ${formatShape(i.shape)} ignored for ${model}: ${i.reason}`;
}

/** True when some input has a dim the file leaves open (a symbol or unnamed): the user may want to choose it. */
export function hasOpenDims(inputs: readonly InputSignature[]): boolean {
  return inputs.some((s) => s.shape.some((d) => typeof d !== 'number'));
}
