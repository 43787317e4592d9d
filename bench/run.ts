/**
 * `npm run bench`: runs every bench/*.bench.ts (or those named on the command line) in turn. Each prints
 * ratios measured side by side in one run; absolute times are shown for context only (shared, noisy machines).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

async function runAll(): Promise<void> {
  const only = process.argv.slice(2);
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  for (const f of files) {
    console.log(`\n=== ${f}`);
    const mod = (await import(path.join(__dirname, f))) as { bench: () => Promise<void> };
    await mod.bench();
  }
}

runAll().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
