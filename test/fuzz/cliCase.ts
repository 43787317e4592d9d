/**
 * A fuzz case through the built CLI (dist/cli.js), so optimize and profile run onnxruntime where users run
 * it: each command in its own process under /usr/bin/time, with a wall-clock limit. Outcomes: ok (exit 0 or
 * 1 "nothing changed"), clean-error (exit 2 with one `onnx-tuner CMD: FILE: ...` line and no stack),
 * crash (a signal, another code, or a raw internal message), hang (over the limit), memory (peak RSS over
 * 2 GB, in any outcome).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type CliResult = 'ok' | 'clean-error' | 'crash' | 'hang' | 'memory';

export interface CliOutcome {
  readonly command: string;
  readonly result: CliResult;
  readonly peakMb: number;
  readonly detail?: string;
}

const MEMORY_LIMIT_MB = 2048;
const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');

export const CLI_COMMANDS: Record<string, (file: string, out: string) => string[]> = {
  inspect: (f) => ['inspect', f],
  optimize: (f, out) => ['optimize', f, '--simplify', '--no-compare', '-o', out],
  profile: (f) => ['profile', f, '--runs', '1', '--warmup', '0'],
};

export function cliAvailable(): boolean {
  return fs.existsSync(CLI) && fs.existsSync('/usr/bin/time');
}

// Messages that are internals leaking out, not errors written for a user.
const RAW =
  /Invalid typed array length|EISDIR|Maximum call stack|Cannot read propert|is not a function|undefined is not|RangeError|TypeError| {4}at /;

export function runCliCase(file: string, command: string, timeoutMs = 20_000): CliOutcome {
  const out = `${file}.out.onnx`;
  const argv = CLI_COMMANDS[command]!(file, out);
  const r = spawnSync('/usr/bin/time', ['-f', 'PEAK_KB=%M', process.execPath, CLI, ...argv], {
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 2 ** 20,
  });
  fs.rmSync(out, { force: true });
  fs.rmSync(`${out}.data`, { force: true });
  const stderr = r.stderr ?? '';
  const peakKb = Number(/PEAK_KB=(\d+)/.exec(stderr)?.[1] ?? 0);
  const peakMb = peakKb / 1024;
  const message = stderr.replace(/PEAK_KB=\d+\s*/, '').replace(/Command (exited|terminated).*\n?/g, '');
  const outcome = (result: CliResult, detail?: string): CliOutcome => ({
    command,
    result: peakMb > MEMORY_LIMIT_MB ? 'memory' : result,
    peakMb,
    ...(detail || peakMb > MEMORY_LIMIT_MB ? { detail: `${detail ?? ''} peak ${peakMb.toFixed(0)} MB` } : {}),
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return outcome('hang', `> ${timeoutMs} ms`);
  if (r.status === 0 || (command === 'optimize' && r.status === 1)) return outcome('ok');
  if (r.status === 2 && !RAW.test(message) && message.startsWith(`onnx-tuner ${command}: `))
    return outcome('clean-error');
  return outcome('crash', `exit ${r.status} ${r.signal ?? ''}: ${message.slice(0, 400)}`);
}
