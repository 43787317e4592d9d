/** `onnx-tuner profile MODEL`: per-node latency and memory measured with onnxruntime's profiler. */
import { DEFAULT_PROFILE_RUNS, DEFAULT_WARMUP_RUNS } from '../../engine/runtime/jobRuntime';
import { checkOutputPath, writeOutputFile } from '../../engine/onnx/safeOutput';
import { DEFAULT_PROFILE_LEVEL } from '../../engine/profile/profileModel';
import { renderProfileText } from '../../engine/report/profileText';
import { runProfile } from '../../engine/profile/runProfile';
import { renderProfileHtml } from '../../engine/report/html/profileHtml';
import { RuntimeClient } from '../../engine/runtime/runtimeClient';
import type { ExecutionProvider, OptimizationLevel } from '../../engine/runtime/sessionOptions';
import { intOption, optionValue, parseArgs, UsageError, type ParsedArgs } from '../args';
import { inputOptions, INPUT_OPTIONS_USAGE, INPUT_VALUE_OPTIONS } from '../inputOptions';
import { DEFAULT_WIDTH, type CommandEntry } from '../io';
import { COMMAND_SUMMARIES } from '../commandList';

const usage = `usage: onnx-tuner profile MODEL [--runs 20] [--warmup 5] [--threads N] [--ep cpu]
       [--level disabled|basic|extended|all] [--dims batch=1] [--shape x=1x3x320x320] [--value sr=16000]
       [--inputs FILE.npy|.npz|.json] [--top 20] [--json | --html OUT.html]

Runs the model in a separate runtime process with onnxruntime's profiler on, and shows the slowest nodes
(p50 over the measured runs, share of the whole run, output and parameter MB), latency with and without the
profiler, and the process's peak memory growth.
  --level   graph optimization level (default ${DEFAULT_PROFILE_LEVEL}: rows are the file's own nodes; at
            extended/all fused nodes are listed with the file nodes they cover)
${INPUT_OPTIONS_USAGE}
  --json    print the versioned JSON report;  --html OUT.html  write a self-contained HTML report
  --force   overwrite OUT.html if it exists (never the input model)`;

const LEVELS: readonly OptimizationLevel[] = ['disabled', 'basic', 'extended', 'all'];
const PROVIDERS: readonly ExecutionProvider[] = ['cpu', 'cuda', 'dml', 'coreml', 'webgpu'];

function choice<T extends string>(args: ParsedArgs, key: string, allowed: readonly T[], fallback: T): T {
  const v = optionValue(args, key) ?? fallback;
  if (!allowed.includes(v as T)) throw new UsageError(`--${key} must be one of ${allowed.join(', ')}, got '${v}'`);
  return v as T;
}

export const profileCommand: CommandEntry = {
  summary: COMMAND_SUMMARIES.profile,
  usage,
  run: async (argv, io) => {
    const args = parseArgs(argv, {
      booleans: ['json', 'force'],
      values: ['runs', 'warmup', 'threads', 'ep', 'level', ...INPUT_VALUE_OPTIONS, 'html', 'top'],
    });
    const [file, ...extra] = args.positionals;
    if (!file) throw new UsageError('missing MODEL');
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const html = optionValue(args, 'html');
    if (html !== undefined && args.flags.has('json')) throw new UsageError('--json and --html are exclusive');
    const htmlGuard = { overwrite: args.flags.has('force'), inputs: [file] };
    if (html !== undefined) checkOutputPath(html, htmlGuard); // refuse before the run, not after it
    const threads = optionValue(args, 'threads') === undefined ? undefined : intOption(args, 'threads', 1);
    const { inputsFile, ...given } = inputOptions(args);
    const job = {
      model: file,
      settings: {
        executionProvider: choice(args, 'ep', PROVIDERS, 'cpu'),
        optimizationLevel: choice(args, 'level', LEVELS, DEFAULT_PROFILE_LEVEL),
        ...(threads !== undefined ? { intraOpThreads: threads } : {}),
      },
      feeds: { ...given, ...(inputsFile !== undefined ? { inputsFile } : {}) },
      runs: intOption(args, 'runs', DEFAULT_PROFILE_RUNS),
      warmup: intOption(args, 'warmup', DEFAULT_WARMUP_RUNS, 0),
    };
    const client = new RuntimeClient();
    try {
      io.progress('loading the model');
      const report = await runProfile(client, job, {
        signal: io.signal,
        onProgress: (p) => io.progress(p.phase, p.done, p.total),
      });
      if (args.flags.has('json')) io.out(JSON.stringify(report, null, 2));
      else if (html !== undefined) {
        writeOutputFile(html, [Buffer.from(renderProfileHtml(report), 'utf8')], htmlGuard);
        io.out(`wrote ${html}`);
      } else io.out(renderProfileText(report, intOption(args, 'top', 20), io.columns ?? DEFAULT_WIDTH));
      return 0;
    } finally {
      client.dispose();
    }
  },
};
