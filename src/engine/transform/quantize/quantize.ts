/**
 * One entry for every quantizer, as an optimize-pipeline step: `quantizeStep({mode: 'dynamic' | 'static' |
 * 'fp16' | 'int4', ...})`. Static mode calibrates on the model it is given (so it sees the output of the
 * steps before it), with the user's samples or synthesised ones.
 */
import { inputFilesOf } from '../../runtime/feedSource';
import type * as ort from 'onnxruntime-node';
import type { ModelProto } from '../../onnx/types';
import { modelToBuffer } from '../../onnx/writeModel';
import type { RuntimeSettings } from '../../runtime/sessionOptions';
import { synthesizeFeeds, type FeedExtras } from '../../verify/feeds';
import { createSession } from '../../verify/modelSource';
import type { TransformChange, TransformResult } from '../common/changes';
import type { OptimizeStep } from '../common/pipeline';
import { calibrate, type CalibrationMethod } from './calibrate';
import { quantizeDynamic, type DynamicQuantOptions } from './dynamic';
import { convertToFp16, type Fp16Options } from './fp16';
import { quantizeInt4, type Int4Options } from './int4';
import { keepNodesInFp16 } from './keepFp16';
import { exactName } from '../../optimize/exclusionFile';
import { rankQuantizedNodes } from './sensitivity';
import { quantizeStatic, staticQuantTargets, type StaticQuantOptions } from './staticQdq';

export type QuantizeMode = 'dynamic' | 'static' | 'fp16' | 'int4';

export const QUANTIZE_MODES: readonly QuantizeMode[] = ['dynamic', 'static', 'fp16', 'int4'];

/** `includeOps`/`excludeOps` choose op types for every mode (the per-quantizer `ops` lists are left out). */
export interface QuantizeOptions
  extends Omit<DynamicQuantOptions, 'ops'>, Omit<StaticQuantOptions, 'ops'>, Fp16Options, Int4Options {
  readonly mode: QuantizeMode;
  readonly calibration?: CalibrationMethod;
  readonly percentile?: number;
  /** Calibration samples; default: `calibrationSamples` synthesised ones. */
  readonly calibrationInputs?: readonly Record<string, ort.Tensor>[];
  readonly calibrationSamples?: number;
  /**
   * Static: quantize this many of the most error-prone nodes weight-only (ranked on up to 2 calibration
   * samples by `rankQuantizedNodes`). Default 0.
   */
  readonly sensitiveWeightOnly?: number;
  /** Shapes/dims for synthesised calibration inputs. */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  readonly dims?: Readonly<Record<string, number>>;
  /** `--value` overrides and `--inputs` file for synthesised calibration inputs. */
  readonly feedExtras?: FeedExtras;
  readonly runtime?: RuntimeSettings;
  /** Stops calibration between samples (CancelledError). */
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * int8/int4 modes: exact names of nodes left out of the quantizer that run in float16 instead ("Keep in
   * fp16", keepFp16.ts); where onnxruntime has no float16 kernel for one, its weights are float16 and it
   * computes in float32 (a 'fallback' change says so).
   */
  readonly keepFp16Nodes?: readonly string[];
}

async function synthesizedSamples(model: ModelProto, opts: QuantizeOptions): Promise<Record<string, ort.Tensor>[]> {
  const s = await createSession(modelToBuffer(model), { ...opts.runtime, optimizationLevel: 'disabled' });
  try {
    // A folder given with --inputs is the calibration set: one sample per file.
    const files = opts.feedExtras?.inputsFile ? inputFilesOf(opts.feedExtras.inputsFile) : [];
    if (files.length > 1)
      return files.map((f) =>
        synthesizeFeeds(s, {
          dims: opts.dims,
          inputShapes: opts.inputShapes,
          model,
          ...opts.feedExtras,
          inputsFile: f,
        }),
      );
    return Array.from({ length: opts.calibrationSamples ?? 8 }, (_, k) =>
      synthesizeFeeds(s, { dims: opts.dims, inputShapes: opts.inputShapes, seed: 1000 + k, model, ...opts.feedExtras }),
    );
  } finally {
    await s.release();
  }
}

export async function quantizeModel(model: ModelProto, opts: QuantizeOptions): Promise<TransformResult> {
  const fp16Nodes = opts.mode === 'fp16' ? [] : (opts.keepFp16Nodes ?? []);
  if (fp16Nodes.length) {
    const excludeNodes = [...(opts.excludeNodes ?? []), ...fp16Nodes.map(exactName)];
    const q = await quantizeModel(model, { ...opts, excludeNodes, keepFp16Nodes: [] });
    const h = await keepNodesInFp16(q.model, fp16Nodes, opts.runtime);
    return { model: h.model, changes: [...q.changes, ...h.changes] };
  }
  switch (opts.mode) {
    case 'dynamic':
      return quantizeDynamic(model, opts);
    case 'fp16':
      return convertToFp16(model, opts);
    case 'int4':
      return quantizeInt4(model, opts);
    case 'static': {
      const samples = opts.calibrationInputs ?? (await synthesizedSamples(model, opts));
      const cal = await calibrate(model, staticQuantTargets(model, opts), samples, {
        method: opts.calibration ?? 'minmax',
        percentile: opts.percentile,
        runtime: opts.runtime,
        onProgress: opts.onProgress,
        signal: opts.signal,
      });
      let r = quantizeStatic(model, cal.ranges, opts);
      const extra: TransformChange[] = [];
      const k = opts.sensitiveWeightOnly ?? 0;
      if (k > 0 && r.model !== model) {
        const full = new Set(
          r.changes.filter((c) => c.kind === 'replaced' && /QDQ/.test(c.detail)).map((c) => c.node!),
        );
        const ranked = await rankQuantizedNodes(model, r.model, full, samples.slice(0, 2), opts.runtime);
        const chosen = ranked.slice(0, k);
        r = quantizeStatic(model, cal.ranges, {
          ...opts,
          weightOnlyNodes: new Set([...(opts.weightOnlyNodes ?? []), ...chosen.map((c) => c.node)]),
        });
        extra.push({
          kind: 'note',
          detail: `weight-only for the ${chosen.length} most sensitive nodes: ${chosen.map((c) => `${c.node} (−${c.lossDb.toFixed(1)} dB)`).join(', ')}`,
        });
      }
      const fromFiles =
        opts.feedExtras?.inputsFile !== undefined && inputFilesOf(opts.feedExtras.inputsFile).length > 1;
      const source = opts.calibrationInputs
        ? 'given'
        : fromFiles
          ? `real (--inputs ${opts.feedExtras!.inputsFile})`
          : 'synthesised (pass real samples for real ranges)';
      return {
        model: r.model,
        changes: [
          {
            kind: 'note',
            detail: `calibrated ${cal.ranges.size} tensors with ${cal.method} on ${cal.samples} ${source} samples`,
          },
          ...extra,
          ...r.changes,
        ],
      };
    }
  }
}

export function quantizeStep(opts: QuantizeOptions): OptimizeStep {
  return { name: `quantize:${opts.mode}`, run: (model) => quantizeModel(model, opts) };
}
