/**
 * The worker-thread side of JobRunner: reads its one request from `workerData`, runs it, posts the result
 * (or a one-line error naming the file and what to do) and exits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CancelledError } from '../../engine/cancel';
import { ModelError } from '../../engine/onnx/errors';
import { runEngineJob } from './engineJobs';
import { JOB_WORKER_MARKER, type HostToJobWorker, type JobMessage, type JobRequest } from './jobProtocol';

export function isJobWorker(): boolean {
  return !!parentPort && !!workerData && typeof workerData === 'object' && JOB_WORKER_MARKER in workerData;
}

export async function runJobWorker(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const request = (workerData as Record<string, JobRequest>)[JOB_WORKER_MARKER]!;
  const post = (m: JobMessage): void => port.postMessage(m);
  const abort = new AbortController();
  port.on('message', (m: HostToJobWorker) => {
    if (m.type === 'cancel') abort.abort();
  });
  try {
    const result = await runEngineJob(
      request,
      (message, fraction) =>
        post(fraction === undefined ? { type: 'progress', message } : { type: 'progress', message, fraction }),
      abort.signal,
    );
    post(abort.signal.aborted ? { type: 'cancelled' } : { type: 'done', result });
  } catch (e) {
    if (e instanceof CancelledError || abort.signal.aborted) post({ type: 'cancelled' });
    else post({ type: 'failed', message: e instanceof ModelError ? e.message : String((e as Error)?.message ?? e) });
  }
}
