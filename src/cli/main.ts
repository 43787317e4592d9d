#!/usr/bin/env node
/**
 * `onnx-tuner` command line: a thin front end over src/engine. Each subcommand lives in commands/<name>.ts.
 * Every failure becomes one line naming the file and the problem, exit code 2; the stack only with --verbose.
 */
import { CancelledError } from '../engine/cancel';
import { ModelError } from '../engine/onnx/errors';
import { RuntimeError } from '../engine/runtime/runtimeClient';
import { UsageError } from './args';
import { commands } from './commands';
import { processIO, type CliIO } from './io';

const USAGE = `usage: onnx-tuner <command> [options]

commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  .join('\n')}

Run 'onnx-tuner <command> --help' for a command's options.`;

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  const verbose = rest.includes('--verbose');
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    io.err(`onnx-tuner: unknown command '${name}'\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof CancelledError || (e instanceof RuntimeError && e.code === 'cancelled')) {
      io.err(`onnx-tuner ${name}: cancelled`);
      return 130; // the shell's code for a command stopped by Ctrl-C
    }
    if (e instanceof UsageError) {
      io.err(`onnx-tuner ${name}: ${e.message}\n${command.usage}`);
      return 2;
    }
    const message = e instanceof ModelError ? e.message : `${(e as Error)?.message ?? String(e)}`;
    io.err(`onnx-tuner ${name}: ${message}`);
    if (verbose && e instanceof Error && e.stack) io.err(e.stack);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`onnx-tuner: ${String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
