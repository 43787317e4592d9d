/**
 * `onnx-tuner advise MODEL`: ranked suggestions (what to quantize, simplify, fix) with their evidence and
 * estimated gain; `--trial` applies the top ones to temporary copies and measures them.
 */
import * as path from 'node:path';
import { advise } from '../../engine/advise/advise';
import {
  appendCalibration,
  defaultCalibrationFile,
  loadCalibration,
  recordsFromTrials,
} from '../../engine/advise/calibration';
import { describeCpu } from '../../engine/advise/cpuFeatures';
import { renderAdviceText } from '../../engine/report/adviceText';
import { trialSuggestions, type TrialResult } from '../../engine/advise/trial';
import { readModel } from '../../engine/onnx/readModel';
import { runProfile } from '../../engine/profile/runProfile';
import type { ProfileReport } from '../../engine/report/profileReport';
import { RuntimeClient } from '../../engine/runtime/runtimeClient';
import { intOption, optionValue, parseArgs, parseDims, UsageError } from '../args';
import { runtimeFromArgs, shapesFromArgs } from '../runtimeOptions';
import { feedExtras, feedSourceExtras, inputOptions, INPUT_OPTIONS_USAGE, INPUT_VALUE_OPTIONS } from '../inputOptions';
import type { CliIO, CommandEntry } from '../io';
import { COMMAND_SUMMARIES } from '../commandList';

const usage = `usage: onnx-tuner advise MODEL [--trial] [--profile] [--json] [--dims a=1,b=2] [options]

Suggests what to do to the model, ranked by estimated gain, with the numbers behind each suggestion and
the optimize command that applies it. The input is never modified.
  --profile          measure per-node times first (latency shares from a profile, not from FLOPs)
  --trial            apply the top suggestions to temporary copies and measure latency (alternating A/B
                     runs, with an A/A noise band) and output error; rank by measured gain
  --top N            how many suggestions --trial tries (default 3)
  --no-checks        skip the quick onnxruntime checks (what ORT fuses; per-layer int8 error)
  --json             print the suggestions as JSON
  --calibration FILE where --trial records each rule's estimate next to its measurement, and whose records
                     shift the estimates on this CPU (default: ~/.cache/onnx-tuner/advice-calibration.json,
                     or $ONNX_TUNER_CALIBRATION; 'off' neither reads nor writes)
${INPUT_OPTIONS_USAGE}
  --threads N        intra-op threads (default 2)
  --level L          ORT graph optimization level for the trials (default all)
  --runs N           measured alternating runs per trial (default 20)`;

async function profileFor(
  file: string,
  dims: Record<string, number>,
  shapes: Record<string, number[]>,
  extras: ReturnType<typeof feedExtras>,
  io: CliIO,
): Promise<ProfileReport> {
  const client = new RuntimeClient();
  try {
    return await runProfile(
      client,
      {
        model: file,
        settings: {},
        feeds: { dims, shapes, ...feedSourceExtras(extras) },
        runs: 10,
        warmup: 3,
        plain: false,
      },
      { signal: io.signal, onProgress: (p) => io.progress(`profiling: ${p.phase}`, p.done, p.total) },
    );
  } finally {
    client.dispose();
  }
}

export const adviseCommand: CommandEntry = {
  summary: COMMAND_SUMMARIES.advise,
  usage,
  run: async (argv, io) => {
    const args = parseArgs(argv, {
      booleans: ['trial', 'json', 'profile', 'no-checks'],
      values: [...INPUT_VALUE_OPTIONS, 'threads', 'level', 'runs', 'top', 'calibration'],
    });
    const [file, ...extra] = args.positionals;
    if (!file) throw new UsageError('missing MODEL');
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
    io.progress('reading the model');
    const loaded = readModel(file);
    const dims = parseDims(args);
    const inputShapes = shapesFromArgs(args);
    const extras = feedExtras(inputOptions(args));
    const { dims: _runtimeDims, ...runtime } = runtimeFromArgs(args);
    const given = optionValue(args, 'calibration');
    const calibrationFile = given === undefined ? defaultCalibrationFile() : given === 'off' ? undefined : given;
    {
      const profile = args.flags.has('profile')
        ? await profileFor(loaded.file, dims, inputShapes, extras, io)
        : undefined;
      io.progress(args.flags.has('no-checks') ? 'looking for optimizations' : 'checking options in onnxruntime');
      const result = await advise(loaded.proto, {
        modelBytes: loaded.fileBytes + loaded.externalBytes,
        dims,
        inputShapes,
        feedExtras: extras,
        runtime,
        runtimeChecks: !args.flags.has('no-checks'),
        signal: io.signal,
        calibration: loadCalibration(calibrationFile),
        ...(profile ? { profile } : {}),
      });
      let trial: TrialResult | undefined;
      if (args.flags.has('trial'))
        trial = await trialSuggestions(loaded.proto, loaded.file, result.suggestions, {
          top: intOption(args, 'top', 3),
          runs: intOption(args, 'runs', 20),
          runtime,
          dims,
          inputShapes,
          feedExtras: extras,
          signal: io.signal,
          onProgress: (m) => io.progress(m),
        });
      if (trial && calibrationFile)
        appendCalibration(
          calibrationFile,
          recordsFromTrials([...trial.suggestions, ...trial.rejected], describeCpu(result.cpu), path.basename(file)),
        );
      const suggestions = trial?.suggestions ?? result.suggestions;
      if (args.flags.has('json'))
        io.out(
          JSON.stringify(
            { file: loaded.file, ...result, suggestions, rejected: trial?.rejected ?? [], noise: trial?.noise },
            null,
            2,
          ),
        );
      else io.out(renderAdviceText(result, trial));
      return 0;
    }
  },
};
