/**
 * The model's exclusion list as the extension keeps it (issue 18): `MODEL.onnx-tuner-exclude.json` next to the
 * model, in the format `optimize --exclude-from FILE` reads (engine/optimize/exclusionFile.ts), so the list the
 * user builds by clicking is also what the CLI and CI can use. A file beside the model (not workspace state)
 * because it belongs to the model, is visible, and can be committed with it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exclusionListJson, readExclusionFile, type Exclusions } from '../../engine/optimize/exclusionFile';

/** What a node is kept in instead of int8: float32 ("Keep in float") or float16 ("Keep in fp16"). */
export type KeptPrecision = 'float' | 'fp16';

export function exclusionListFile(model: string): string {
  return `${model.replace(/\.onnx$/i, '')}.onnx-tuner-exclude.json`;
}

/** Both lists of `model`; empty when there is no list yet. */
export function readExclusionLists(model: string): Exclusions {
  const file = exclusionListFile(model);
  return fs.existsSync(file) ? readExclusionFile(file) : { keepFloat: [], keepFp16: [] };
}

/** The names kept float for `model`; none when there is no list yet. */
export function readExclusions(model: string): string[] {
  return readExclusionLists(model).keepFloat;
}

export function writeExclusions(model: string, names: readonly string[], fp16: readonly string[] = []): void {
  const keepFp16 = [...new Set(fp16)];
  const keepFloat = [...new Set(names)].filter((n) => !keepFp16.includes(n));
  fs.writeFileSync(exclusionListFile(model), exclusionListJson(keepFloat, path.basename(model), keepFp16));
}

/**
 * Adds `nodes` to the list of `precision` (kept in click order; a repeat is a no-op; a node in the other list
 * moves) and returns that list.
 */
export function addExclusion(
  model: string,
  nodes: string | readonly string[],
  precision: KeptPrecision = 'float',
): string[] {
  const { keepFloat, keepFp16 } = readExclusionLists(model);
  const [mine, other] = precision === 'float' ? [keepFloat, keepFp16] : [keepFp16, keepFloat];
  const added = typeof nodes === 'string' ? [nodes] : nodes;
  for (const node of added) if (!mine.includes(node)) mine.push(node);
  other.splice(0, other.length, ...other.filter((n) => !added.includes(n)));
  writeExclusions(model, keepFloat, keepFp16);
  return mine;
}
