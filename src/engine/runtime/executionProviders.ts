/**
 * Which execution providers this platform's onnxruntime-node build has. The npm package ships different
 * providers per platform (cpu everywhere; webgpu, cuda/tensorrt on Linux x64 with the CUDA libraries installed
 * separately; dml on Windows; coreml on macOS), so a request for one it lacks gets a clear message up front.
 */
import * as ort from 'onnxruntime-node';
import type { ExecutionProvider } from './sessionOptions';

export class ExecutionProviderError extends Error {
  override readonly name = 'ExecutionProviderError';
}

export function availableProviders(): { name: string; bundled: boolean }[] {
  return ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled }));
}

export function checkExecutionProvider(ep: ExecutionProvider): void {
  const list = availableProviders();
  if (list.some((b) => b.name === ep)) return;
  const names = list.map((b) => (b.bundled ? b.name : `${b.name} (needs its libraries installed)`)).join(', ');
  throw new ExecutionProviderError(
    `execution provider '${ep}' is not in this platform's onnxruntime-node (${process.platform}-${process.arch}); available: ${names}`,
  );
}

/** Rewords a session-creation failure on a provider that is listed but not usable (e.g. CUDA without its libraries). */
export function explainProviderFailure(ep: ExecutionProvider, e: unknown): Error {
  const message = (e as Error)?.message ?? String(e);
  if (ep === 'cpu') return e instanceof Error ? e : new Error(message);
  return new ExecutionProviderError(`could not start execution provider '${ep}': ${message} (try --ep cpu)`);
}
