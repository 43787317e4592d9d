#!/usr/bin/env node
/**
 * `onnx-tuner` command line. This process only reads the command name and its global options; the command
 * itself runs in a supervised command process (commandProcess.ts) under a memory cap, a wall-clock timeout
 * and cancel, so this process never loads onnxruntime and never dies with a model: a native crash or an
 * exhausted V8 heap there becomes one line here, and the files the command had written are removed.
 * Every failure is one line naming the file and the problem, exit code 2; the stack only with --verbose.
 */
import { CancelledError } from '../engine/cancel';
import { ModelError } from '../engine/onnx/errors';
import { RuntimeClient, RuntimeError } from '../engine/runtime/runtimeClient';
import { COMMAND_SUMMARIES, isCommandName } from './commandList';
import { closestName } from './didYouMean';
import { processIO, type TerminalIO } from './io';
import { ProgressView } from './progress';
import { terminalSafe, terminalSafeLines } from '../engine/report/terminalText';

const USAGE = `usage: onnx-tuner <command> [options]

commands:
${Object.entries(COMMAND_SUMMARIES)
  .map(([name, summary]) => `  ${name.padEnd(9)} ${summary}`)
  .join('\n')}

global options:
  --timeout SECONDS  stop the command after this long (default ${defaultTimeoutSeconds()} s; env ONNX_TUNER_TIMEOUT)

Run 'onnx-tuner <command> --help' for a command's options.
Exit codes: 0 done, 2 bad input or failure, 3 nothing improved the model, 124 timed out, 130 cancelled (Ctrl-C),
143 stopped (SIGTERM).`;

function defaultTimeoutSeconds(): number {
  const env = Number(process.env['ONNX_TUNER_TIMEOUT']);
  return Number.isFinite(env) && env > 0 ? env : 3600;
}

/** Takes `--timeout N` / `--timeout=N` out of the command's arguments. */
export function takeTimeout(argv: readonly string[]): { argv: string[]; seconds: number } | string {
  const rest: string[] = [];
  let seconds = defaultTimeoutSeconds();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a !== '--timeout' && !a.startsWith('--timeout=')) {
      rest.push(a);
      continue;
    }
    const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n <= 0) return `--timeout expects a positive number of seconds`;
    seconds = n;
  }
  return { argv: rest, seconds };
}

export async function main(argv: string[], io: TerminalIO = processIO): Promise<number> {
  const [name, ...given] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name ? 0 : 2;
  }
  if (!isCommandName(name)) {
    const guess = closestName(name, Object.keys(COMMAND_SUMMARIES));
    io.err(
      `onnx-tuner: unknown command '${name}'${guess ? ` — did you mean '${guess}'?` : ''} (run 'onnx-tuner --help' for the list)`,
    );
    return 2;
  }
  const parsed = takeTimeout(given);
  if (typeof parsed === 'string') {
    io.err(`onnx-tuner ${name}: ${parsed}`);
    return 2;
  }
  const file = parsed.argv.find((a) => !a.startsWith('-')) ?? name;
  const client = new RuntimeClient({ entryName: 'commandProcess' });
  const abort = new AbortController();
  let stopSignal: 'SIGINT' | 'SIGTERM' | undefined;
  const onSignal = (s: 'SIGINT' | 'SIGTERM'): void => {
    stopSignal ??= s;
    if (s === 'SIGTERM') client.dispose(); // asked to go now: kill the command process and its files at once
    abort.abort();
  };
  const onInt = (): void => onSignal('SIGINT');
  const onTerm = (): void => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const progress = new ProgressView(
    io.progress,
    `onnx-tuner ${name}`,
    {
      line: (t) => io.err(t),
      raw: (t) => io.raw(t),
      ...(io.columns ? { columns: io.columns } : {}),
    },
    io.progressAfterMs,
  );
  try {
    const { exitCode } = await client.request(
      'command',
      {
        name,
        argv: parsed.argv,
        cwd: process.cwd(),
        ...(io.columns ? { columns: io.columns } : {}),
      },
      {
        signal: abort.signal,
        timeoutMs: parsed.seconds * 1000,
        onProgress: (p) => progress.update(p),
        onOutput: (stream, text) => {
          progress.clear(); // every printed line first takes the in-place line away: results never mix with it
          if (stream === 'out') io.out(text);
          else io.err(text);
        },
      },
    );
    return exitCode;
  } catch (e) {
    progress.end();
    if (stopSignal === 'SIGTERM') {
      io.err(`onnx-tuner ${name}: stopped (SIGTERM); nothing was left behind`);
      return 143;
    }
    if (e instanceof CancelledError) {
      io.err(`onnx-tuner ${name}: cancelled; nothing was left behind`);
      return 130;
    }
    if (e instanceof RuntimeError && e.code === 'timeout') {
      io.err(
        `onnx-tuner ${name}: ${terminalSafe(file)}: stopped after ${parsed.seconds} s (raise it with --timeout SECONDS); nothing was left behind`,
      );
      return 124;
    }
    if (e instanceof ModelError) {
      io.err(`onnx-tuner ${name}: ${terminalSafeLines(e.message)}`);
      return 2;
    }
    const message = e instanceof RuntimeError ? `${file}: ${e.message.replace(/ during 'command'/, '')}` : String(e);
    io.err(`onnx-tuner ${name}: ${terminalSafeLines(message)}`);
    return 2;
  } finally {
    progress.end();
    process.removeListener('SIGINT', onInt);
    process.removeListener('SIGTERM', onTerm);
    client.dispose();
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
