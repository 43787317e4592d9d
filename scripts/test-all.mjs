#!/usr/bin/env node
// `npm test`: every suite in order — lint, type-check, build, unit, webview, integration (real VS Code), e2e —
// each run even when an earlier one failed, then ONE closing line over all of them:
//   tests: N passed, M failed, K skipped
// N/M/K add up mocha's passing/failing/pending counts of each suite; a step that fails without a mocha count
// (lint, a crashed runner) counts as one failure, and a suite skipped for a missing optional part (models,
// code-server) counts as one skipped, with the runner's one line saying how to enable it.
// Exit code: 0 only when nothing failed.
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const STEPS = [
  ['lint', 'npm run --silent lint'],
  ['typecheck', 'npm run --silent typecheck'],
  ['build', 'npm run --silent build'],
  ['unit', 'npm run --silent test:unit'],
  ['webview', 'npx mocha --config test/webview/.mocharc.json'],
  ['integration', 'npm run --silent test:integration'],
  ['e2e', 'npm run --silent test:e2e'],
];

/** Runs a shell command, echoing its output, and resolves with its exit code and text. */
function run(command) {
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    const echo = (stream) => (d) => {
      text += d.toString();
      stream.write(d);
    };
    child.stdout.on('data', echo(process.stdout));
    child.stderr.on('data', echo(process.stderr));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), text }));
  });
}

/** mocha's closing counts in a suite's output (several mocha runs may add up, e.g. the e2e rounds). */
export function countMocha(text) {
  const sum = (re) => [...text.matchAll(re)].reduce((s, m) => s + Number(m[1]), 0);
  return {
    passed: sum(/^\s*(\d+) passing/gm),
    failed: sum(/^\s*(\d+) failing/gm),
    pending: sum(/^\s*(\d+) pending/gm),
    skippedSuites: (text.match(/^skipped test:/gm) ?? []).length,
  };
}

async function main() {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const failedSteps = [];
  for (const [name, command] of STEPS) {
    console.log(`\n=== ${name}: ${command}`);
    const { code, text } = await run(command);
    const c = countMocha(text);
    totals.passed += c.passed;
    totals.failed += c.failed;
    totals.skipped += c.pending + c.skippedSuites;
    if (code !== 0) {
      failedSteps.push(name);
      if (c.failed === 0) totals.failed += 1; // failed without a mocha count: lint, type errors, a crash
    }
  }
  if (failedSteps.length) console.log(`\nfailed steps: ${failedSteps.join(', ')}`);
  console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exitCode = failedSteps.length ? 1 : 0;
}

// Run only as a script (`npm test`), not when a test imports countMocha.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
