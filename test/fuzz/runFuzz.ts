/**
 * `npm run fuzz -- --runs 10000`: the long fuzz run. Cases run in a child process that reports each outcome;
 * a case that takes over 2 s is a hang (the child is killed and restarted after it). Prints the figures:
 * cases tried, outcomes by type, crashes, hangs, slowest case.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { CaseOutcome } from './fuzzCase';
import { MUTATORS } from './mutators';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] ?? 0) || 2000;
const firstSeed = Number(args[args.indexOf('--seed') + 1] ?? 0) || 1;
const HANG_MS = 2000;

interface Report extends CaseOutcome {
  seed: number;
  model: string;
}

async function main(): Promise<void> {
  const counts = new Map<string, number>();
  const crashes: Report[] = [];
  const hangs: number[] = [];
  let slowest: Report | undefined;
  let next = firstSeed;
  const last = firstSeed + runs;
  while (next < last) {
    next = await runBatch(
      next,
      last,
      (r) => {
        counts.set(r.result, (counts.get(r.result) ?? 0) + 1);
        if (r.result === 'crash') crashes.push(r);
        if (!slowest || r.ms > slowest.ms) slowest = r;
      },
      (seed) => hangs.push(seed),
    );
  }
  console.log(`fuzz: ${runs} cases (seeds ${firstSeed}..${last - 1})`);
  for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(16)} ${v}`);
  console.log(`  crashes ${crashes.length}, hangs ${hangs.length} (> ${HANG_MS} ms)`);
  if (slowest)
    console.log(`  slowest: seed ${slowest.seed} (${slowest.mutator} on ${slowest.model}) ${slowest.ms.toFixed(0)} ms`);
  for (const c of crashes.slice(0, 5)) console.log(`  crash seed ${c.seed} (${c.mutator} on ${c.model}): ${c.detail}`);
  for (const h of hangs.slice(0, 5)) console.log(`  hang seed ${h} (${MUTATORS[h % MUTATORS.length]!.name})`);
  process.exitCode = crashes.length || hangs.length ? 1 : 0;
}

/** Runs seeds [from, to) in one child until it finishes or a case hangs; returns the next seed to run. */
function runBatch(
  from: number,
  to: number,
  onCase: (r: Report) => void,
  onHang: (seed: number) => void,
): Promise<number> {
  return new Promise((resolve) => {
    const child: ChildProcess = fork(path.join(__dirname, 'fuzzWorker.ts'), [String(from), String(to)], {
      execArgv: ['--require', 'tsx/cjs', '--max-old-space-size=1024'],
    });
    let current = from;
    let timer = setTimeout(hang, HANG_MS * 5); // start-up and seed loading
    function hang(): void {
      child.kill('SIGKILL');
      onHang(current);
      resolve(current + 1);
    }
    child.on('message', (r: Report) => {
      onCase(r);
      current = r.seed + 1;
      clearTimeout(timer);
      timer = setTimeout(hang, HANG_MS);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (current < to && code !== null) {
        // The child died (e.g. out of memory): count the case as a crash and go on.
        onCase({
          seed: current,
          model: '?',
          mutator: '?',
          result: 'crash',
          ms: 0,
          detail: `worker exited with code ${code}`,
        });
        resolve(current + 1);
      } else resolve(current);
    });
  });
}

void main();
