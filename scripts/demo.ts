/**
 * `npm run demo`: the product's story in under a minute, on a sample of realistic size built by code (a
 * ResNet-style CNN: 96×96 input, 15 Conv layers, BatchNorm, residual blocks): what is in the model, where its
 * time goes, what to change, and the optimized model with its measured verdict. Every step is the real CLI
 * (dist/cli.js), so what you see is what `onnx-tuner` prints. Also writes the walkthrough's tiny sample.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeModel } from '../src/engine/onnx/writeModel';
import { tinyCnn } from '../test/support/models';
import { resnetModel } from '../test/support/resnetModel';

const ROOT = path.join(__dirname, '..');
const DIR = path.join(ROOT, 'media', 'sample');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const rel = (f: string): string => path.relative(process.cwd(), f) || f;

function say(title: string, text: string): void {
  console.log(`\n\x1b[1m── ${title}\x1b[0m\n${text}\n`);
}

function cli(args: string[], maxLines = 40): number {
  console.log(`$ onnx-tuner ${args.map((a) => (a.startsWith('/') ? rel(a) : a)).join(' ')}`);
  // One stream, in the order the CLI wrote it (progress lines go to stderr).
  const quoted = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync(`${quoted} 2>&1`, { encoding: 'utf8', shell: true });
  const lines = r.stdout.trimEnd().split('\n');
  console.log(
    lines.slice(0, maxLines).join('\n') +
      (lines.length > maxLines ? `\n  … (${lines.length - maxLines} more lines)` : ''),
  );
  return r.status ?? 1;
}

function main(): void {
  if (!fs.existsSync(CLI)) throw new Error("dist/cli.js is missing: run 'npm run build' first");
  const t0 = Date.now();
  fs.mkdirSync(DIR, { recursive: true });
  writeModel(tinyCnn(1), path.join(DIR, 'tiny-cnn.onnx'), { overwrite: true });
  // Start clean: earlier demo runs' optimized copies would make the new one pick a '-1' name.
  for (const f of fs.readdirSync(DIR)) if (/^resnet-style\..+\.onnx$/.test(f)) fs.rmSync(path.join(DIR, f));
  const model = path.join(DIR, 'resnet-style.onnx');
  writeModel(resnetModel({ size: 96, widths: [32, 64, 128], blocks: 2, classes: 100 }).model, model, {
    overwrite: true,
  });

  say(
    '1. What is in the model',
    'inspect reads the file without running it: inputs, operators, weights, compute and a memory estimate.',
  );
  cli(['inspect', model], 28);

  say(
    '2. Where the time goes',
    'profile runs the model in onnxruntime with its profiler on and ranks the layers by measured time.',
  );
  cli(['profile', model, '--runs', '10', '--warmup', '3', '--top', '6'], 30);

  say('3. What to change', 'advise looks at the graph (and your CPU) and suggests optimizations with their evidence.');
  cli(['advise', model, '--no-checks'], 24);

  say(
    '4. Make it cheaper — only if it really is',
    'optimize with no options tries the transforms that fit this model, measures each against the original on the\n' +
      'same inputs (speed, size, output error), and keeps the best one that stays accurate. The first line is the\n' +
      'verdict; if nothing is better, no file is written.',
  );
  const code = cli(['optimize', model, '--runs', '20'], 30);

  const made = fs.readdirSync(DIR).filter((f) => /^resnet-style\..+\.onnx$/.test(f));
  say(
    'Where the files are',
    [
      `  original:  ${rel(model)}   (never changed)`,
      made.length
        ? `  optimized: ${made.map((f) => rel(path.join(DIR, f))).join(', ')}`
        : `  optimized: none — nothing beat the original (exit code ${code})`,
    ].join('\n'),
  );
  say(
    'Try next',
    [
      '  node dist/cli.js compare ORIGINAL.onnx OPTIMIZED.onnx --html report.html   # side by side, as a page',
      '  node dist/cli.js profile YOUR_MODEL.onnx                                  # your own model, no flags needed',
      '  In VS Code: open any .onnx file for the graph, then "ONNX Tuner: Profile Model".',
    ].join('\n'),
  );
  console.log(`demo finished in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

main();
