/**
 * Runs one CLI command and turns every failure into one line and an exit code (2 for bad input, 130 for a
 * cancel); the stack only with --verbose. Runs inside the command process (commandProcess.ts).
 */
import { CancelledError } from '../engine/cancel';
import { ModelError } from '../engine/onnx/errors';
import { UnknownOptionError, UsageError } from './args';
import { commands } from './commands';
import type { CliIO } from './io';
import { terminalSafeLines } from '../engine/report/terminalText';

export async function runCommand(name: string, argv: readonly string[], io: CliIO): Promise<number> {
  const command = commands[name];
  if (!command) {
    io.err(`onnx-tuner: unknown command '${name}'`);
    return 2;
  }
  if (argv.includes('--help')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run([...argv], io);
  } catch (e) {
    if (e instanceof CancelledError) {
      io.err(`onnx-tuner ${name}: cancelled`);
      return 130; // the shell's code for a command stopped by Ctrl-C
    }
    if (e instanceof UnknownOptionError) {
      io.err(`onnx-tuner ${name}: ${e.message} ('onnx-tuner ${name} --help' lists the options)`);
      return 2;
    }
    if (e instanceof UsageError) {
      io.err(`onnx-tuner ${name}: ${terminalSafeLines(e.message)}\n${command.usage}`);
      return 2;
    }
    const message = e instanceof ModelError ? e.message : `${(e as Error)?.message ?? String(e)}`;
    io.err(`onnx-tuner ${name}: ${terminalSafeLines(message)}`);
    if (argv.includes('--verbose') && e instanceof Error && e.stack) io.err(e.stack);
    return 2;
  }
}
