/**
 * Entry of the extension's job process (bundled to dist/jobProcess.js; never loads `vscode`). JobRunner starts
 * one per job, so parsing a model, transforms and onnxruntime sessions never run in the extension host: a
 * hostile model that exhausts V8 ("invalid size error"), a native abort in onnxruntime or an OOM kill end this
 * process and become an error message, never a dead extension host.
 */
import { serveJobs } from '../../engine/runtime/jobServer';
import { runEngineJob } from './engineJobs';
import type { JobRequest } from './jobProtocol';

serveJobs({
  engine: (params, ctx) =>
    runEngineJob(
      params as JobRequest,
      (message, fraction) =>
        ctx.progress(
          fraction === undefined
            ? { phase: message, done: 0, total: 0 }
            : { phase: message, done: Math.round(fraction * 1000), total: 1000 },
        ),
      ctx.signal,
    ),
});
