/**
 * Per-node error of two model files for the extension's error heat map (issue 18): localizeError on the
 * inputs the comparison runs first (compare.ts synthesises its first input set with seed 42 from A), so the
 * heat map explains the same outputs the report's cosine was measured on.
 */
import { readModel } from '../onnx/readModel';
import type { RuntimeSettings } from '../runtime/sessionOptions';
import { synthesizeFeeds } from './feeds';
import { localizeError, type NodeError } from './localize';
import { createSession } from './modelSource';

export interface LocalizeFilesOptions {
  readonly runtime?: RuntimeSettings;
  readonly dims?: Readonly<Record<string, number>>;
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  /** Bytes of exposed tensors per pair of runs (localize.ts; default 128 MiB). */
  readonly chunkBytes?: number;
}

/** Every node of `a` whose output `b` also computes, worst SNR first (the order `compare --localize` prints). */
export async function localizeFiles(a: string, b: string, opts: LocalizeFilesOptions = {}): Promise<NodeError[]> {
  const A = readModel(a).proto;
  const s = await createSession(a, { optimizationLevel: 'disabled' });
  try {
    const feeds = synthesizeFeeds(s, {
      ...(opts.dims ? { dims: opts.dims } : {}),
      ...(opts.inputShapes ? { inputShapes: opts.inputShapes } : {}),
      model: A,
      seed: 42,
    });
    return await localizeError(A, readModel(b).proto, feeds, {
      ...(opts.runtime ? { runtime: opts.runtime } : {}),
      ...(opts.chunkBytes ? { chunkBytes: opts.chunkBytes } : {}),
    });
  } finally {
    await s.release();
  }
}
