/** Seed models for fuzzing: the builder's models and, when fetched, the small real ones. */
import * as fs from 'node:fs';
import { modelToBuffer } from '../../src/engine/onnx/writeModel';
import { bertEncoder, ifModel, mlp, tinyCnn } from '../support/models';
import { listRealModels } from '../support/realModels';

export function seedModels(maxRealBytes = 3_000_000): { name: string; bytes: Uint8Array }[] {
  const built = [
    { name: 'tinyCnn', bytes: modelToBuffer(tinyCnn()) },
    { name: 'mlp', bytes: modelToBuffer(mlp()) },
    { name: 'bert', bytes: modelToBuffer(bertEncoder({ layers: 1, hidden: 32, heads: 2, ffn: 64 })) },
    { name: 'if', bytes: modelToBuffer(ifModel()) },
  ];
  const real = listRealModels()
    .filter((m) => m.bytes <= maxRealBytes)
    .map((m) => ({ name: m.name, bytes: fs.readFileSync(m.file) }));
  return [...built, ...real];
}
