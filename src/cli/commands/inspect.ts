/** `onnx-tuner inspect MODEL`: static summary of a model (no runtime needed). */
import { readModel } from '../../engine/onnx/readModel';
import { buildInspectReport } from '../../engine/report/inspectReport';
import { renderInspectText } from '../../engine/report/inspectText';
import { parseArgs, parseDims, UsageError } from '../args';
import type { CommandEntry } from '../io';
import { COMMAND_SUMMARIES } from '../commandList';

const usage = `usage: onnx-tuner inspect MODEL [--dims batch=1,seq=128] [--json] [--verbose]

Shows opset, IR version, producer, inputs and outputs with shapes, node count by op type, parameters by
dtype, the top-10 nodes by FLOPs and by activation bytes, and a peak-memory estimate.
  --dims   values for symbolic dims (repeatable), e.g. --dims batch=1,seq=128
  --json   print the versioned JSON report instead of text`;

export const inspectCommand: CommandEntry = {
  summary: COMMAND_SUMMARIES.inspect,
  usage,
  run: async (argv, io) => {
    const args = parseArgs(argv, { booleans: ['json'], values: ['dims'] });
    const [file, ...extra] = args.positionals;
    if (!file) throw new UsageError('missing MODEL');
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const report = buildInspectReport(readModel(file), { dims: parseDims(args) });
    io.out(args.flags.has('json') ? JSON.stringify(report, null, 2) : renderInspectText(report));
    return 0;
  },
};
