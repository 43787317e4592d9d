/**
 * Entry of the CLI's command process (bundled to dist/commandProcess.js). `onnx-tuner` (main.ts) parses only
 * the command name and starts this process for the command itself, so every onnxruntime session, every
 * model parse and every transform runs here, under the host's memory cap, wall-clock timeout and cancel:
 * a hostile model that crashes onnxruntime or exhausts V8 ends this process, never the user's shell session
 * with a half-written file. Printed lines travel back to main.ts as 'output' messages.
 */
import * as fs from 'node:fs';
import { serveJobs } from '../engine/runtime/jobServer';
import type { CliIO } from './io';
import { runCommand } from './runCommand';

serveJobs({
  async command({ name, argv, cwd, columns }, ctx) {
    process.chdir(cwd);
    const io: CliIO = {
      out: (t) => ctx.output('out', t),
      err: (t) => ctx.output('err', t),
      ...(columns ? { columns } : {}),
      progress: (phase, done = 0, total = 0) => ctx.progress({ phase, done, total }),
      // Ctrl-C in the user's shell reaches the host (main.ts), which cancels this job: the same signal.
      signal: ctx.signal,
    };
    const exitCode = await runCommand(name, argv, io);
    // A command that failed or was cancelled leaves nothing behind (the host does the same if we die).
    if (exitCode === 2 || exitCode === 130) for (const f of ctx.artifacts) fs.rmSync(f, { force: true });
    return { exitCode };
  },
});
