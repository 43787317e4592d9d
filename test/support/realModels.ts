/**
 * The real trained models fetched by scripts/fetch-models.sh (`npm run models`). Tests that need them call
 * `realModelsOrSkip(this)` and are skipped with a clear message when the cache is empty (CI fetches them).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface RealModel {
  readonly name: string;
  readonly file: string;
  readonly kind: string;
  readonly bytes: number;
}

export function realModelsDir(): string {
  return process.env.ONNX_TUNER_MODELS ?? path.join(os.homedir(), '.cache', 'onnx-tuner-models');
}

export function listRealModels(): RealModel[] {
  const dir = realModelsDir();
  const index = path.join(dir, 'models.json');
  if (!fs.existsSync(index)) return [];
  const rows = JSON.parse(fs.readFileSync(index, 'utf8')) as {
    name: string;
    file: string;
    kind: string;
    bytes: number;
  }[];
  return rows
    .map((r) => ({ name: r.name, file: path.join(dir, r.file), kind: r.kind, bytes: r.bytes }))
    .filter((r) => fs.existsSync(r.file));
}

export const SKIP_MESSAGE = `real models not fetched: run 'npm run models' (scripts/fetch-models.sh; cache: ${realModelsDir()})`;

/** The fetched models, or skips the calling mocha test/hook when there are none. */
export function realModelsOrSkip(ctx: Mocha.Context): RealModel[] {
  const models = listRealModels();
  if (models.length === 0) {
    console.log(`      (skipped: ${SKIP_MESSAGE})`);
    ctx.skip();
  }
  return models;
}

/** One named real model, or skips. */
export function realModelOrSkip(ctx: Mocha.Context, name: string): RealModel {
  const found = listRealModels().find((m) => m.name === name);
  if (!found) {
    console.log(`      (skipped: model '${name}' missing; ${SKIP_MESSAGE})`);
    ctx.skip();
  }
  return found!;
}
