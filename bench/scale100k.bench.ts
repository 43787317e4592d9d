/**
 * Issue 12 scale goals on a 100k-node chain built by code: `simplify` (goal < 10 s; it was 212 s when each
 * bypass rescanned the graph) and `profile` through the built CLI (goal: completes; its trace is streamed,
 * it once failed past V8's 512 MB string limit). Set SCALE_NODES to change the size.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeModel } from '../src/engine/onnx/writeModel';
import { reluIdentityChain } from '../test/support/models';
import { simplify } from '../src/engine/transform/simplify';

export async function bench(): Promise<void> {
  const n = Number(process.env.SCALE_NODES ?? 100_000);
  const model = reluIdentityChain(n);
  for (const size of [n / 4, n / 2, n]) {
    const t = performance.now();
    const r = await simplify(size === n ? model : reluIdentityChain(size));
    const s = (performance.now() - t) / 1000;
    console.log(`simplify ${size} nodes: ${s.toFixed(2)} s → ${r.model.graph!.node!.length} nodes`);
  }
  const cli = path.join(__dirname, '..', 'dist', 'cli.js');
  if (!fs.existsSync(cli)) return console.log('profile: skipped (run npm run build first)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scale-bench-'));
  try {
    const file = path.join(dir, 'chain.onnx');
    writeModel(model, file);
    const t = performance.now();
    const p = spawnSync(process.execPath, [cli, 'profile', file, '--runs', '3', '--warmup', '1', '--json'], {
      maxBuffer: 2 ** 30,
      encoding: 'utf8',
    });
    const s = (performance.now() - t) / 1000;
    const nodes = p.status === 0 ? (JSON.parse(p.stdout) as { nodes?: unknown[] }).nodes?.length : undefined;
    console.log(
      `profile ${n} nodes via the CLI: exit ${p.status}, ${s.toFixed(1)} s, ${nodes ?? '?'} nodes reported${p.status ? `: ${p.stderr.slice(0, 300)}` : ''}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
