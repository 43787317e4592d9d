/**
 * Issue 20: how far each advice rule's latency estimate is from what its own trial measures, on models built
 * by code (ResNet-style, MobileNet-style, BERT-style) and the fetched ones. Prints one line per trialled
 * suggestion, then per rule the median and mean absolute error of the raw estimates, and the mean absolute
 * error after calibration, leave-one-out (each trial predicted from the rule's other trials): the figure
 * that says whether calibrating against past trials helps.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { advise } from '../src/engine/advise/advise';
import type { RuleId } from '../src/engine/advise/adviceTypes';
import { calibrateRules, recordsFromTrials, type CalibrationRecord } from '../src/engine/advise/calibration';
import { trialSuggestions } from '../src/engine/advise/trial';
import { readModel } from '../src/engine/onnx/readModel';
import { writeModel } from '../src/engine/onnx/writeModel';
import { bertEncoder } from '../test/support/models';
import { mobilenetModel } from '../test/support/mobilenetModel';
import { listRealModels } from '../test/support/realModels';
import { resnetModel } from '../test/support/resnetModel';

interface Case {
  readonly label: string;
  readonly file: string;
  readonly dims?: Record<string, number>;
  readonly inputShapes?: Record<string, number[]>;
}

const pct = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)}`;

async function trialCase(c: Case): Promise<CalibrationRecord[]> {
  const loaded = readModel(c.file);
  const feed = { dims: c.dims, inputShapes: c.inputShapes };
  const advice = await advise(loaded.proto, { ...feed, modelBytes: loaded.fileBytes, runtimeChecks: true });
  const t = await trialSuggestions(loaded.proto, c.file, advice.suggestions, { ...feed, runs: 20, top: 4 });
  const all = [...t.suggestions, ...t.rejected];
  for (const s of all.filter((x) => x.measured))
    console.log(
      `  ${c.label.padEnd(16)} ${s.rule.padEnd(22)} estimated ${pct(s.estimated.raw ?? s.estimated.latencyFraction)}%, measured ${pct(s.measured!.latencyFraction)}% ±${(100 * t.noise.band).toFixed(1)}%${t.rejected.includes(s) ? ' (dropped: slower)' : ''}${s.variants ? ` [${s.variants.map((v) => `${v.label} ${v.measured ? pct(v.measured.latencyFraction) + '%' : '-'}`).join('; ')}]` : ''}`,
    );
  return recordsFromTrials(all, 'bench', c.label);
}

/** Mean absolute error of each rule's records when each is predicted from the others (leave-one-out). */
function leaveOneOut(records: readonly CalibrationRecord[]): Map<RuleId, number> {
  const errs = new Map<RuleId, number[]>();
  records.forEach((r, i) => {
    const others = records.filter((o, j) => j !== i && o.rule === r.rule);
    if (!others.length) return;
    const shift = calibrateRules(others, r.cpu).get(r.rule)!.medianError;
    errs.set(r.rule, [...(errs.get(r.rule) ?? []), Math.abs(r.measured - (r.estimated + shift))]);
  });
  return new Map([...errs].map(([rule, e]) => [rule, e.reduce((a, b) => a + b, 0) / e.length]));
}

export async function bench(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-tuner-bench-calibration-'));
  try {
    const cases: Case[] = [
      {
        label: 'resnet-style',
        file: writeModel(resnetModel({ size: 64 }).model, path.join(dir, 'resnet.onnx')).file,
      },
      {
        label: 'mobilenet-style',
        file: writeModel(mobilenetModel({ size: 96 }).model, path.join(dir, 'mobilenet.onnx')).file,
      },
      {
        label: 'bert-style',
        file: writeModel(bertEncoder({ layers: 6, hidden: 384, heads: 6, ffn: 1536 }), path.join(dir, 'bert.onnx'))
          .file,
        dims: { batch: 1, seq: 128 },
      },
    ];
    for (const m of listRealModels())
      if (['ppocr-det', 'ppocr-rec', 'ppocr-cls', 'oww-embedding'].includes(m.name))
        cases.push({ label: m.name, file: m.file });
    console.log('estimate vs measured latency saved, per trialled suggestion (top 4 per model, 20 A/B runs):');
    const records: CalibrationRecord[] = [];
    for (const c of cases) records.push(...(await trialCase(c)));
    console.log(
      '\nper rule: trials, median error (measured − estimated), mean |error| raw → calibrated (leave-one-out)',
    );
    const loo = leaveOneOut(records);
    for (const c of calibrateRules(records, 'bench').values()) {
      const after = loo.get(c.rule);
      console.log(
        `  ${c.rule.padEnd(22)} ${String(c.trials).padStart(2)} trial${c.trials === 1 ? ' ' : 's'}, median ${pct(c.medianError)} pts, mean |error| ${(100 * c.meanAbsError).toFixed(1)} → ${after === undefined ? '- (one trial)' : `${(100 * after).toFixed(1)}`} pts`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
