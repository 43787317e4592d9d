/**
 * The CLI's command names and one-line summaries, without the commands' code: the `onnx-tuner` process reads
 * this to print usage and to reject an unknown command, while the commands themselves (which load the engine
 * and onnxruntime) run only in the command process (commandProcess.ts).
 */
export const COMMAND_SUMMARIES = {
  inspect: 'show a model: I/O, ops, parameters, FLOPs, peak-memory estimate',
  optimize: 'make a model faster or smaller (chosen and measured, or the transforms you name); prints a verdict',
  compare: 'compare two models: output error, A/B latency, size, node counts',
  profile: 'measure per-node latency and memory with onnxruntime',
  advise: 'suggest optimizations with evidence and estimated gains; --trial measures them',
  sweep: 'measure latency/throughput/memory over threads, batch sizes and providers; recommend one',
} as const;

export type CommandName = keyof typeof COMMAND_SUMMARIES;

export function isCommandName(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(COMMAND_SUMMARIES, name);
}
