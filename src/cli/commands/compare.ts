/** `onnx-tuner compare A.onnx B.onnx`: output error metrics, A/B latency, size and node counts. */
import { writeOutputFile } from '../../engine/onnx/safeOutput';
import { readModel } from '../../engine/onnx/readModel';
import { compare } from '../../engine/verify/compare';
import { synthesizeFeeds } from '../../engine/verify/feeds';
import { localizeError, rankingOf, type ErrorRanking, type NodeError } from '../../engine/verify/localize';
import { createSession } from '../../engine/verify/modelSource';
import { renderCompareHtml, renderCompareText } from '../../engine/report/compareRender';
import { renderLocalized } from '../../engine/report/localizedText';
import { intOption, optionValue, parseArgs, parseDims, UsageError, type ParsedArgs } from '../args';
import { feedExtras, inputOptions } from '../inputOptions';
import {
  compareOptionsFromArgs,
  RUNTIME_OPTIONS_USAGE,
  RUNTIME_VALUE_OPTIONS,
  runtimeFromArgs,
  shapesFromArgs,
} from '../runtimeOptions';
import type { CommandEntry } from '../io';
import { COMMAND_SUMMARIES } from '../commandList';

/** `--localize-by added|accumulated` (default added: the error each node adds itself). */
function rankByFromArgs(args: ParsedArgs): ErrorRanking {
  const v = optionValue(args, 'localize-by') ?? 'added';
  if (v !== 'added' && v !== 'accumulated') throw new UsageError(`--localize-by: added or accumulated, not '${v}'`);
  return v;
}

export async function localizeNodes(a: string, b: string, args: ParsedArgs, top: number): Promise<NodeError[]> {
  const A = readModel(a).proto;
  const s = await createSession(a, { optimizationLevel: 'disabled' });
  try {
    const feeds = synthesizeFeeds(s, {
      dims: parseDims(args),
      inputShapes: shapesFromArgs(args),
      model: A,
      ...feedExtras(inputOptions(args)),
    });
    return await localizeError(A, readModel(b).proto, feeds, {
      top,
      runtime: runtimeFromArgs(args),
      rankBy: rankByFromArgs(args),
    });
  } finally {
    await s.release();
  }
}

const usage = `usage: onnx-tuner compare A.onnx B.onnx [--json | --html OUT] [options]

Runs both models on the same synthesised inputs and reports, per output, cosine similarity, SNR, max/mean
absolute error and argmax agreement; the A/B latency ratio from alternating runs; size and node counts.
${RUNTIME_OPTIONS_USAGE}
  --json             print the report as JSON
  --html OUT         also write a self-contained HTML report to OUT (never overwritten)
  --localize N       also list the N nodes of A whose outputs diverge most in B (per-node error)
  --localize-by R    added (default): rank by the error each node adds itself, run on A's values of its
                     inputs; accumulated: by its output's error, upstream error included`;

export const compareCommand: CommandEntry = {
  summary: COMMAND_SUMMARIES.compare,
  usage,
  run: async (argv, io) => {
    const args = parseArgs(argv, {
      booleans: ['json', 'force'],
      values: [...RUNTIME_VALUE_OPTIONS, 'html', 'localize', 'localize-by'],
    });
    const [a, b, ...extra] = args.positionals;
    if (!a || !b) throw new UsageError('need two models: A.onnx B.onnx');
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
    io.progress('running both models');
    const report = await compare(a, b, compareOptionsFromArgs(args, io.signal));
    const top = intOption(args, 'localize', 0, 0);
    const worst = top > 0 ? await localizeNodes(a, b, args, top) : undefined;
    const html = optionValue(args, 'html');
    if (html) {
      writeOutputFile(html, [Buffer.from(renderCompareHtml(report))], {
        overwrite: args.flags.has('force'),
        inputs: [a, b],
      });
      io.err(`wrote ${html}`);
    }
    if (args.flags.has('json'))
      io.out(JSON.stringify(worst ? { ...report, localized: worst, localizedBy: rankingOf(worst) } : report, null, 2));
    else {
      io.out(renderCompareText(report));
      if (worst) io.out(renderLocalized(worst));
    }
    return 0;
  },
};
