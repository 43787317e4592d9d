/**
 * Entry of the extension's job process (bundled to dist/jobProcess.js; never loads `vscode`). JobRunner starts
 * one per job, so parsing a model, transforms and onnxruntime sessions never run in the extension host: a
 * hostile model that exhausts V8 ("invalid size error"), a native abort in onnxruntime or an OOM kill end this
 * process and become an error message, never a dead extension host.
 */
import { serveJobs, UsageFailure } from '../../engine/runtime/jobServer';
import { assertNever } from '../../engine/runtime/protocol';
import { runEngineJob } from './engineJobs';
import type { JobRequest } from './jobProtocol';

serveJobs(async (req, ctx) => {
  switch (req.kind) {
    case 'engine':
      return runEngineJob(
        req.params as JobRequest,
        (message, fraction) =>
          ctx.progress(
            fraction === undefined
              ? { phase: message, done: 0, total: 0 }
              : { phase: message, done: Math.round(fraction * 1000), total: 1000 },
          ),
        ctx.signal,
      );
    case 'command':
    case 'load':
    case 'run':
    case 'profile':
    case 'dispose':
    case 'cancel':
      throw new UsageFailure(`the extension's job process does not serve '${req.kind}' jobs`);
    default:
      return assertNever(req, 'job request');
  }
});
