/**
 * Sensitivity scan: prune each channel group alone at a few ratios and measure how far the outputs move
 * from the original on the same inputs. Layers whose error stays small at high ratios are where pruning is
 * cheap; a per-layer plan can then use `--layers`.
 */
import * as ort from 'onnxruntime-node';
import type { ModelProto } from '../../onnx/types';
import { modelToBuffer } from '../../onnx/writeModel';
import { toSessionOptions } from '../../runtime/sessionOptions';
import { synthesizeFeeds, type Feeds } from '../../verify/feeds';
import { tensorMetrics, tensorValues } from '../../verify/outputMetrics';
import { pruneStructured, type SkippedLayer, type StructuredPruneOptions } from './structured';

export interface SensitivityOptions extends Omit<StructuredPruneOptions, 'ratio' | 'scope' | 'layers'> {
  readonly ratios?: readonly number[];
  /** Inputs to run; synthesised from the model's inputs (seeded) when absent. */
  readonly feeds?: Feeds;
  /** Scan at most this many layers (largest first); default all. */
  readonly maxLayers?: number;
  readonly threads?: number;
}

export interface SensitivityRow {
  readonly layer: string;
  readonly channels: number;
  readonly ratio: number;
  /** Max |Δ| over all outputs divided by max |reference| (0 = unchanged). */
  readonly relMaxError: number;
  /** Lowest cosine similarity over the outputs. */
  readonly cosine: number;
}

export interface SensitivityResult {
  readonly rows: readonly SensitivityRow[];
  readonly skipped: readonly SkippedLayer[];
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function outputsOf(model: ModelProto, feeds: Feeds | undefined, opts: SensitivityOptions) {
  const session = await ort.InferenceSession.create(
    modelToBuffer(model),
    toSessionOptions({ intraOpThreads: opts.threads ?? 1, optimizationLevel: 'basic' }),
  );
  try {
    const f = feeds ?? synthesizeFeeds(session, { dims: opts.dims ?? {}, inputShapes: opts.inputShapes ?? {}, model });
    return { feeds: f, out: await session.run(f) };
  } finally {
    await session.release();
  }
}

export async function sensitivityScan(model: ModelProto, opts: SensitivityOptions = {}): Promise<SensitivityResult> {
  const ratios = opts.ratios ?? [0.25, 0.5, 0.75];
  const base = await outputsOf(model, opts.feeds, opts);
  const survey = pruneStructured(model, { ...opts, ratio: 0.5 });
  const layers = [...survey.pruned].sort((a, b) => b.before - a.before).slice(0, opts.maxLayers ?? Infinity);
  const rows: SensitivityRow[] = [];
  for (const layer of layers) {
    const first = layer.layer.split(' + ')[0]!;
    for (const ratio of ratios) {
      const p = pruneStructured(model, { ...opts, ratio, layers: new RegExp(`^${escape(first)}$`) });
      const cand = await outputsOf(p.model, base.feeds, opts);
      let err = 0;
      let cosine = 1;
      for (const [name, ref] of Object.entries(base.out)) {
        const a = tensorValues(ref);
        const b = cand.out[name] ? tensorValues(cand.out[name]) : undefined;
        if (!a || !b) continue;
        const m = tensorMetrics(a, b, ref.dims);
        const scale = a.reduce((s, x) => Math.max(s, Math.abs(x)), 0) || 1;
        err = Math.max(err, m.maxAbs / scale);
        cosine = Math.min(cosine, m.cosine);
      }
      rows.push({ layer: layer.layer, channels: layer.before, ratio, relMaxError: err, cosine });
    }
  }
  return { rows, skipped: survey.skipped };
}
