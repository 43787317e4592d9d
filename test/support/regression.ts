/** Reads test/models.json: how to feed each real model and what it must give. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface RegressionEntry {
  /** Concrete shapes per input name. */
  readonly shapes: Readonly<Record<string, number[]>>;
  /** Fixed scalar values per input name (e.g. Silero's sample rate). */
  readonly values?: Readonly<Record<string, number>>;
  /** Slow to run (seconds per inference): tests use few runs. */
  readonly heavy?: boolean;
}

const file = path.join(__dirname, '..', 'models.json');
const entries = (JSON.parse(fs.readFileSync(file, 'utf8')) as { models: Record<string, RegressionEntry> }).models;

export function regressionEntry(name: string): RegressionEntry {
  const e = entries[name];
  if (!e) throw new Error(`test/models.json has no entry for '${name}'`);
  return e;
}
