/**
 * Which execution providers this platform's onnxruntime-node build has. The npm package ships different
 * providers per platform (cpu everywhere; webgpu, cuda/tensorrt on Linux x64 with the CUDA libraries installed
 * separately; dml on Windows; coreml on macOS), so a request for one it lacks gets a clear message up front.
 */
import * as ort from 'onnxruntime-node';
import { modelToBuffer } from '../onnx/writeModel';
import { DataType } from '../onnx/types';
import type { ExecutionProvider } from './sessionOptions';

export class ExecutionProviderError extends Error {
  override readonly name = 'ExecutionProviderError';
}

export function availableProviders(): { name: string; bundled: boolean }[] {
  return ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled }));
}

export interface ProviderStatus {
  readonly name: string;
  /** True only when a session was actually created with this provider in this process. */
  readonly available: boolean;
  /** Why it is unavailable: onnxruntime's own message (missing CUDA libraries, no GPU adapter, ...). */
  readonly reason?: string;
}

/** A one-node model (Identity on a float [1]) that every provider can run. */
function probeModel(): Uint8Array {
  const tensorType = { tensor_type: { elem_type: DataType.FLOAT, shape: { dim: [{ dim_value: 1 }] } } };
  return modelToBuffer({
    ir_version: 8,
    opset_import: [{ domain: '', version: 13 }],
    graph: {
      name: 'provider_probe',
      node: [{ op_type: 'Identity', input: ['x'], output: ['y'] }],
      input: [{ name: 'x', type: tensorType }],
      output: [{ name: 'y', type: tensorType }],
    },
  });
}

/** onnxruntime's load failure in words a user can act on, with its first line kept for reference. */
export function providerFailureReason(name: string, message: string): string {
  const first = message.split('\n')[0]!.slice(0, 160);
  if (/Failed to load shared library|cannot open shared object/i.test(message))
    return name === 'tensorrt'
      ? `the TensorRT and CUDA libraries are not installed (${first})`
      : `the CUDA/cuDNN libraries are not installed (${first})`;
  if (/adapter/i.test(message)) return `no WebGPU adapter: no usable GPU driver (Vulkan/Metal/D3D12) found (${first})`;
  return first;
}

let probed: Promise<ProviderStatus[]> | undefined;

/**
 * The providers this build lists, each tried by creating a session with it: listed is not loadable (CUDA and
 * TensorRT need their libraries, WebGPU needs an adapter). Probed once per process; a probe takes milliseconds.
 */
export function probeProviders(): Promise<ProviderStatus[]> {
  probed ??= (async () => {
    const model = probeModel();
    const out: ProviderStatus[] = [];
    // A failed probe is expected and reported in words; keep onnxruntime's own error log quiet meanwhile.
    const level = ort.env.logLevel;
    ort.env.logLevel = 'fatal';
    for (const { name } of availableProviders()) {
      try {
        // Severity 4 (fatal only): a failed probe is expected and reported below, not logged by ORT.
        const s = await ort.InferenceSession.create(model, { executionProviders: [name], logSeverityLevel: 4 });
        await s.release();
        out.push({ name, available: true });
      } catch (e) {
        out.push({ name, available: false, reason: providerFailureReason(name, (e as Error)?.message ?? String(e)) });
      }
    }
    ort.env.logLevel = level;
    return out;
  })();
  return probed;
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
