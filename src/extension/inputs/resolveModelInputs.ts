/**
 * Which dims and input shapes apply to one model, from the three places a user can give them, most specific
 * last: the workspace-wide settings (`onnxTuner.dims`, `onnxTuner.inputShapes`), the per-model map
 * (`onnxTuner.modelInputs`: a glob such as `ppocr*.onnx` or `models/**` → dims and shapes), and the shapes saved for
 * this very file from the Set Input Shapes form. Entries that do not fit the model are dropped for it with a
 * reason (engine/graph/fitInputShapes.ts). Free of `vscode`, so it is tested in plain Node.
 */
import {
  fitInputShapes,
  type GivenShape,
  type IgnoredShape,
  type InputSignature,
} from '../../engine/graph/fitInputShapes';

/** What one source gives: values for named dims and full shapes by input name. */
export interface ModelInputEntry {
  readonly dims?: Readonly<Record<string, number>>;
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
}

export interface InputSources {
  readonly global: ModelInputEntry;
  /** `onnxTuner.modelInputs`, in the order the settings list them. */
  readonly byPattern: Readonly<Record<string, ModelInputEntry>>;
  /** Saved for this file (workspace state). */
  readonly saved?: ModelInputEntry;
}

export interface ResolvedModelInputs {
  readonly dims: Record<string, number>;
  readonly inputShapes: Record<string, number[]>;
  /** For each input shape used, the source it came from (shown in headers: "x 1×3×640×640 from …"). */
  readonly shapeSources: Record<string, string>;
  readonly ignored: readonly IgnoredShape[];
}

export const GLOBAL_SHAPES_SOURCE = 'onnxTuner.inputShapes';
export const SAVED_SOURCE = 'the shapes saved for this model';

/**
 * A small glob: `**` any folders, `*` any characters but `/`, `?` one of them. A pattern without `/` matches
 * the file name alone (`ppocr*.onnx`), as VS Code's `files.exclude` patterns do.
 */
export function globMatches(pattern: string, relPath: string): boolean {
  const p = pattern.replace(/^\.\//, '');
  const target = p.includes('/') ? relPath.replace(/\\/g, '/') : (relPath.split(/[\\/]/).pop() ?? relPath);
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*' && p[i + 1] === '*') {
      // `**/` matches zero or more folders; a trailing `**` anything.
      if (p[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(target);
}

function shapesOf(entry: ModelInputEntry | undefined, source: string): GivenShape[] {
  return Object.entries(entry?.inputShapes ?? {}).map(([input, shape]) => ({ input, shape, source }));
}

/** Merges the sources for the model at `relPath` (workspace-relative) and fits the shapes to its inputs. */
export function resolveModelInputs(
  relPath: string,
  inputs: readonly InputSignature[],
  sources: InputSources,
): ResolvedModelInputs {
  const patterns = Object.entries(sources.byPattern).filter(([glob]) => globMatches(glob, relPath));
  const dims: Record<string, number> = { ...sources.global.dims };
  for (const [, e] of patterns) Object.assign(dims, e.dims);
  Object.assign(dims, sources.saved?.dims);
  // Later sources override earlier ones input by input: only the most specific entry per input is fitted, so
  // a global `x` that a per-model `x` replaces is never reported as ignored.
  const latest = new Map<string, GivenShape>();
  for (const g of [
    ...shapesOf(sources.global, GLOBAL_SHAPES_SOURCE),
    ...patterns.flatMap(([glob, e]) => shapesOf(e, `onnxTuner.modelInputs["${glob}"]`)),
    ...shapesOf(sources.saved, SAVED_SOURCE),
  ])
    latest.set(g.input, g);
  const fitted = fitInputShapes(inputs, [...latest.values()]);
  const shapeSources: Record<string, string> = {};
  for (const name of Object.keys(fitted.inputShapes)) shapeSources[name] = latest.get(name)!.source;
  return { dims, inputShapes: fitted.inputShapes, shapeSources, ignored: fitted.ignored };
}

/** `1x3x640x640`, `1×3×640×640`, `1,3,640,640` or `1 3 640 640` → [1, 3, 640, 640]; undefined if not that. */
export function parseShapeText(text: string): number[] | undefined {
  const parts = text.trim().split(/\s*[x×,\s]\s*/i);
  if (!text.trim() || parts.some((p) => !/^\d+$/.test(p))) return undefined;
  const dims = parts.map(Number);
  return dims.every((d) => Number.isSafeInteger(d) && d > 0) ? dims : undefined;
}
