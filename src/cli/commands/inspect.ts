/** `onnx-tuner inspect` (placeholder until the inspect report lands). */
import type { CommandEntry } from './index';

export const inspectCommand: CommandEntry = {
  summary: 'show a model: I/O, ops, parameters, FLOPs, memory estimate',
  usage: 'usage: onnx-tuner inspect MODEL [--dims batch=1,seq=128] [--json] [--verbose]',
  run: () => Promise.resolve(0),
};
