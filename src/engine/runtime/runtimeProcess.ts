/**
 * Entry of the runtime child process (bundled to dist/runtimeProcess.js). It owns the onnxruntime sessions,
 * whose `run()` is blocking native work, so the extension host and the CLI stay responsive, and a native crash
 * or an OOM kill ends only this process. Talks to runtimeClient.ts through the messages in protocol.ts.
 */
import * as ort from 'onnxruntime-node';
import { ModelError } from '../onnx/errors';
import { profileModel, type JobControl } from '../profile/profileModel';
import { resolveFeeds } from './feedSource';
import { inputSpecs } from './modelInputs';
import { InputFileError } from './npyFormat';
import {
  assertNever,
  type ProgressInfo,
  type RuntimeMessage,
  type RuntimeRequest,
  type JobFailure,
  type WireTensor,
} from './protocol';
import { toSessionOptions } from './sessionOptions';

/** Thrown by a job's cancellation check; becomes a 'cancelled' reply. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
}

/** A run/dispose for a session this process does not hold (it may have restarted since the load). */
class UnknownSessionError extends Error {
  override readonly name = 'UnknownSessionError';
}

const PROGRESS_INTERVAL_MS = 1000;

// ORT's warnings (e.g. unused initializers) would land on the host's stderr; errors still reach callers as replies.
ort.env.logLevel = 'error';

const sessions = new Map<number, ort.InferenceSession>();
let nextSessionId = 1;
const running = new Set<number>();
const cancelled = new Set<number>();

function send(message: RuntimeMessage): void {
  process.send?.(message);
}

function toJobFailure(e: unknown): JobFailure {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof CancelledError) return { code: 'cancelled', message };
  if (e instanceof ModelError) return { code: 'model', message };
  if (e instanceof InputFileError) return { code: 'input', message };
  if (e instanceof UnknownSessionError) return { code: 'unknown-session', message };
  return { code: 'runtime', message };
}

function controlFor(id: number): JobControl {
  let lastSent = 0;
  return {
    progress(p: ProgressInfo) {
      const now = Date.now();
      if (now - lastSent < PROGRESS_INTERVAL_MS && p.done < p.total) return;
      lastSent = now;
      send({ type: 'progress', id, progress: p });
    },
    throwIfCancelled() {
      if (cancelled.has(id)) throw new CancelledError('cancelled');
    },
  };
}

function session(id: number): ort.InferenceSession {
  const s = sessions.get(id);
  if (!s)
    throw new UnknownSessionError(
      `no session ${id} in the runtime process (it may have restarted): load the model again`,
    );
  return s;
}

async function dispatch(req: RuntimeRequest): Promise<unknown> {
  switch (req.kind) {
    case 'load': {
      const s = await ort.InferenceSession.create(req.params.model, toSessionOptions(req.params.settings));
      const id = nextSessionId++;
      sessions.set(id, s);
      return {
        sessionId: id,
        inputs: inputSpecs(s).map((i) => ({ ...i, shape: [...i.shape] })),
        outputs: [...s.outputNames],
      };
    }
    case 'run': {
      const s = session(req.params.sessionId);
      const { feeds } = resolveFeeds(inputSpecs(s), req.params.feeds);
      const t0 = performance.now();
      const result = await s.run(feeds);
      const ms = performance.now() - t0;
      const outputs: Record<string, WireTensor> = {};
      for (const [name, t] of Object.entries(result))
        outputs[name] = { type: t.type, dims: [...t.dims], data: t.data as WireTensor['data'] };
      return { outputs, ms };
    }
    case 'profile':
      return profileModel(req.params, controlFor(req.id));
    case 'cancel': {
      if (!running.has(req.params.target)) return { cancelled: false };
      cancelled.add(req.params.target);
      return { cancelled: true };
    }
    case 'dispose': {
      const ids = req.params.sessionId === undefined ? [...sessions.keys()] : [req.params.sessionId];
      for (const id of ids) {
        await sessions.get(id)?.release();
        sessions.delete(id);
      }
      return { disposed: ids.length };
    }
    default:
      return assertNever(req, 'runtime request');
  }
}

async function handle(req: RuntimeRequest): Promise<void> {
  if (req.kind !== 'cancel') running.add(req.id);
  try {
    const result = await dispatch(req);
    send({ type: 'result', id: req.id, kind: req.kind, result });
  } catch (e) {
    send({ type: 'error', id: req.id, error: toJobFailure(e) });
  } finally {
    running.delete(req.id);
    cancelled.delete(req.id);
  }
}

if (process.send) {
  process.on('message', (req: RuntimeRequest) => void handle(req));
  // The host went away (closed, crashed): nothing can receive our replies.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', pid: process.pid });
}
