/**
 * `tsx test/fuzz/runCliFuzz.ts --runs N [--seed S] [--commands inspect,optimize,profile] [--rotate]`: the
 * campaign over the built CLI (npm run build first). Each case's mutated model is written to a temp folder and
 * every command runs on it in its own process (cliCase.ts); with --rotate each case runs one command in turn
 * (the command turns once per round of the mutators, so every mutator meets every command), which spreads a large campaign over the commands at a third of the cost. Prints counts per command and outcome, and the first
 * seeds of each bad outcome so they can be replayed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliAvailable, runCliCase, type CliResult } from './cliCase';
import { mutatedBytes } from './fuzzCase';
import { MUTATORS } from './mutators';
import { seedModels } from './seeds';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const runs = Number(opt('--runs') ?? 200);
const firstSeed = Number(opt('--seed') ?? 1);
const commands = (opt('--commands') ?? 'inspect,optimize,profile').split(',');
const rotate = args.includes('--rotate');

function main(): void {
  if (!cliAvailable()) throw new Error('dist/cli.js or /usr/bin/time missing: run npm run build');
  const seeds = seedModels(1_500_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-fuzz-'));
  const counts = new Map<string, number>();
  const bad: string[] = [];
  let maxPeak = 0;
  try {
    for (let seed = firstSeed; seed < firstSeed + runs; seed++) {
      const model = seeds[seed % seeds.length]!;
      const file = path.join(dir, `case-${seed}.onnx`);
      fs.writeFileSync(file, mutatedBytes(model.bytes, seed));
      for (const c of rotate ? [commands[Math.floor(seed / MUTATORS.length) % commands.length]!] : commands) {
        const r = runCliCase(file, c);
        const key = `${c} ${r.result}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        maxPeak = Math.max(maxPeak, r.peakMb);
        const worst: CliResult[] = ['crash', 'hang', 'memory'];
        if (worst.includes(r.result))
          bad.push(
            `seed ${seed} ${c} ${r.result} (${MUTATORS[seed % MUTATORS.length]!.name} on ${model.name}): ${r.detail ?? ''}`,
          );
      }
      fs.rmSync(file, { force: true });
      if ((seed - firstSeed + 1) % 100 === 0) console.log(`... ${seed - firstSeed + 1} cases`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const spread = rotate ? `each through one of ${commands.join(', ')} in turn` : `× ${commands.join(', ')}`;
  console.log(`cli fuzz: ${runs} cases (seeds ${firstSeed}..${firstSeed + runs - 1}) ${spread}`);
  for (const [k, v] of [...counts].sort()) console.log(`  ${k.padEnd(26)} ${v}`);
  console.log(`  peak RSS of any command: ${maxPeak.toFixed(0)} MB; bad outcomes: ${bad.length}`);
  for (const b of bad.slice(0, 20)) console.log(`  ${b}`);
  process.exitCode = bad.length ? 1 : 0;
}

main();
