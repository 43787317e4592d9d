/**
 * The model's exclusion list as the extension keeps it (issue 18): `MODEL.onnx-tuner-exclude.json` next to the
 * model, in the format `optimize --exclude-from FILE` reads (engine/optimize/exclusionFile.ts), so the list the
 * user builds by clicking is also what the CLI and CI can use. A file beside the model (not workspace state)
 * because it belongs to the model, is visible, and can be committed with it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exclusionListJson, readExclusionFile } from '../../engine/optimize/exclusionFile';

export function exclusionListFile(model: string): string {
  return `${model.replace(/\.onnx$/i, '')}.onnx-tuner-exclude.json`;
}

/** The names kept float for `model`; none when there is no list yet. */
export function readExclusions(model: string): string[] {
  const file = exclusionListFile(model);
  return fs.existsSync(file) ? readExclusionFile(file) : [];
}

export function writeExclusions(model: string, names: readonly string[]): void {
  fs.writeFileSync(exclusionListFile(model), exclusionListJson([...new Set(names)], path.basename(model)));
}

/** Adds `nodes` to the list (kept in click order; a repeat is a no-op) and returns the whole list. */
export function addExclusion(model: string, nodes: string | readonly string[]): string[] {
  const names = readExclusions(model);
  for (const node of typeof nodes === 'string' ? [nodes] : nodes) if (!names.includes(node)) names.push(node);
  writeExclusions(model, names);
  return names;
}
