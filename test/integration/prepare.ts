/**
 * What both integration runners need before VS Code starts: the extension built (dist/), the suites bundled
 * for the extension host (out/integration/, one file per suite; `vscode`, mocha and onnxruntime-node stay
 * external and load from node_modules), and a workspace holding the tiny CNN.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { writeModel } from '../../src/engine/onnx/writeModel';
import { sliceStepZeroModel } from '../support/hostileModels';
import { tinyCnn } from '../support/models';

export const ROOT = path.resolve(__dirname, '..', '..');
export const OUT = path.join(ROOT, 'out', 'integration');

export function buildExtension(): void {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'esbuild.js')], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building the extension failed');
}

/** Bundles the suites; returns the path of the entry VS Code loads (`extensionTestsPath`). */
export function buildSuites(): string {
  const suiteDir = path.join(__dirname, 'suite');
  const entries = fs.readdirSync(suiteDir).filter((f) => f === 'index.ts' || f.endsWith('.test.ts'));
  fs.rmSync(OUT, { recursive: true, force: true });
  buildSync({
    entryPoints: entries.map((f) => path.join(suiteDir, f)),
    outdir: OUT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode', 'mocha', 'onnxruntime-node'],
    logLevel: 'warning',
  });
  return path.join(OUT, 'index.js');
}

/** A fresh workspace folder with the tiny CNN (the suites know its nodes) and one hostile model. */
export function makeWorkspace(dir: string): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  writeModel(tinyCnn(1), path.join(dir, 'tiny-cnn.onnx'));
  writeModel(sliceStepZeroModel(), path.join(dir, 'slice-step-zero.onnx'));
  return dir;
}
