/** `onnx-tuner inspect MODEL`: static summary of a model (no runtime needed). */
import { readModel } from '../../engine/onnx/readModel';
import { buildInspectReport } from '../../engine/report/inspectReport';
import { renderInspectText } from '../../engine/report/inspectText';
import { parseArgs, UsageError } from '../args';
import { inputOptions } from '../inputOptions';
import { DEFAULT_WIDTH, type CommandEntry } from '../io';
import { COMMAND_SUMMARIES } from '../commandList';

const usage = `usage: onnx-tuner inspect MODEL [--dims batch=1,seq=128] [--shape x=1x3x224x224] [--json] [--verbose]

Shows opset, IR version, producer, inputs and outputs with shapes, node count by op type, parameters by
dtype, the top-10 nodes by FLOPs and by activation bytes, and a peak-memory estimate.
  --dims   values for symbolic dims (repeatable), e.g. --dims batch=1,seq=128; open dims get
           representative sizes (batch 1, sequence 128, image 224/640), listed with their reasons
  --shape  a full input shape (repeatable), x=1x3x224x224 or x=1,3,224,224
  --value  an input's value or integer range (ids=0..999), shown in the values table
  --json   print the versioned JSON report instead of text`;

export const inspectCommand: CommandEntry = {
  summary: COMMAND_SUMMARIES.inspect,
  usage,
  run: async (argv, io) => {
    const args = parseArgs(argv, { booleans: ['json'], values: ['dims', 'shape', 'value'] });
    const [file, ...extra] = args.positionals;
    if (!file) throw new UsageError('missing MODEL');
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const given = inputOptions(args);
    io.progress('reading the model');
    const model = readModel(file);
    io.progress('inferring shapes and costs');
    const report = buildInspectReport(model, {
      dims: given.dims,
      inputShapes: given.shapes,
      values: { ...given.values, ...given.valueRanges },
    });
    io.out(
      args.flags.has('json') ? JSON.stringify(report, null, 2) : renderInspectText(report, io.columns ?? DEFAULT_WIDTH),
    );
    return 0;
  },
};
