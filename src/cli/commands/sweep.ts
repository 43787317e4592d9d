/**
 * `onnx-tuner sweep MODEL`: latency, throughput and memory over thread counts, batch sizes and execution
 * providers, with a recommendation for a latency budget; a table, JSON, or an HTML page with a chart.
 */
import { readModel } from '../../engine/onnx/readModel';
import { checkOutputPath, writeOutputFile } from '../../engine/onnx/safeOutput';
import type { ExecutionProvider } from '../../engine/runtime/sessionOptions';
import { sweep } from '../../engine/sweep/sweep';
import { renderSweepHtml, renderSweepText } from '../../engine/report/sweepRender';
import { intOption, optionValue, parseArgs, parseDims, UsageError, type ParsedArgs } from '../args';
import { feedExtras, inputOptions, INPUT_OPTIONS_USAGE, INPUT_VALUE_OPTIONS } from '../inputOptions';
import { shapesFromArgs } from '../runtimeOptions';
import type { CommandEntry } from '../io';
import { COMMAND_SUMMARIES } from '../commandList';

const usage = `usage: onnx-tuner sweep MODEL [--threads 1,2] [--batch 1,2,4,8] [--ep cpu] [--budget-ms MS] [--runs N] [--json | --html OUT]

Measures p50/p90 latency, throughput (items/s) and peak memory at each thread count × batch size ×
execution provider, and recommends the cheapest configuration that meets the latency budget (p90).
  --threads LIST     intra-op thread counts (default 1 … the number of cores)
  --batch LIST       batch sizes (default 1, 2, 4, … up to --max-batch or the memory cap)
  --max-batch N      largest default batch (default 64)
  --ep LIST          execution providers (default cpu)
  --budget-ms MS     latency budget for the recommendation (p90)
  --mem-cap-mb MB    stop growing the batch past this memory (default: half the free memory, ≤ 4 GiB)
  --runs N           measured runs per point (default 10); --warmup N (default 2)
${INPUT_OPTIONS_USAGE}
                     (the batch dim is set by the sweep; a --shape's first dim is the batch)
  --json             print the result as JSON
  --html OUT         write a self-contained HTML report with a latency-vs-throughput chart
  --force            overwrite OUT if it exists (never the input model)`;

const EPS: readonly ExecutionProvider[] = ['cpu', 'cuda', 'dml', 'coreml', 'webgpu'];

function intList(args: ParsedArgs, key: string): number[] | undefined {
  const raw = args.values.get(key);
  if (!raw) return undefined;
  const out = raw
    .flatMap((v) => v.split(','))
    .filter(Boolean)
    .map(Number);
  if (!out.length || out.some((n) => !Number.isInteger(n) || n < 1))
    throw new UsageError(`--${key} expects a comma list of positive integers`);
  return out;
}

export const sweepCommand: CommandEntry = {
  summary: COMMAND_SUMMARIES.sweep,
  usage,
  run: async (argv, io) => {
    const args = parseArgs(argv, {
      booleans: ['json', 'force'],
      values: [
        'threads',
        'batch',
        'max-batch',
        'ep',
        'budget-ms',
        'mem-cap-mb',
        'runs',
        'warmup',
        ...INPUT_VALUE_OPTIONS,
        'html',
      ],
    });
    const [file, ...extra] = args.positionals;
    if (!file) throw new UsageError('missing MODEL');
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const html = optionValue(args, 'html');
    if (html !== undefined && args.flags.has('json')) throw new UsageError('--json and --html exclude each other');
    const htmlGuard = { overwrite: args.flags.has('force'), inputs: [file] };
    if (html !== undefined) checkOutputPath(html, htmlGuard); // refuse before the sweep, not after it
    const eps = (args.values.get('ep') ?? []).flatMap((v) => v.split(',')).filter(Boolean);
    for (const e of eps)
      if (!EPS.includes(e as ExecutionProvider)) throw new UsageError(`--ep must be among ${EPS.join(', ')}`);
    const budgetRaw = optionValue(args, 'budget-ms');
    const budgetMs = budgetRaw !== undefined ? Number(budgetRaw) : undefined;
    if (budgetMs !== undefined && !(budgetMs > 0)) throw new UsageError('--budget-ms must be a positive number');
    const capMb = optionValue(args, 'mem-cap-mb');
    io.progress('reading the model');
    const loaded = readModel(file);
    {
      const result = await sweep(loaded.file, {
        threads: intList(args, 'threads'),
        batches: intList(args, 'batch'),
        maxBatch: intOption(args, 'max-batch', 64),
        providers: eps.length ? (eps as ExecutionProvider[]) : undefined,
        runs: intOption(args, 'runs', 10),
        warmupRuns: intOption(args, 'warmup', 2, 0),
        dims: parseDims(args),
        inputShapes: shapesFromArgs(args),
        feedExtras: feedExtras(inputOptions(args)),
        ...(capMb !== undefined ? { memoryCapBytes: Number(capMb) * 2 ** 20 } : {}),
        ...(budgetMs !== undefined ? { budgetMs } : {}),
        signal: io.signal,
        onProgress: (m) => io.progress(`measuring ${m}`),
      });
      if (args.flags.has('json')) io.out(JSON.stringify({ file: loaded.file, ...result }, null, 2));
      else if (html !== undefined) {
        writeOutputFile(html, [Buffer.from(renderSweepHtml(result, loaded.file), 'utf8')], htmlGuard);
        io.out(renderSweepText(result));
        io.out(`wrote ${html}`);
      } else io.out(renderSweepText(result));
      return result.points.length ? 0 : 1;
    }
  },
};
