/**
 * Child process for the crash-safety test: writes a model-sized file through writeFileAtomic, announces
 * (by creating `<out>.halfway`) when half the chunks are out, then stalls so the parent can SIGKILL it.
 */
import * as fs from 'node:fs';
import { writeFileAtomic } from '../../src/engine/onnx/writeModel';

const out = process.argv[2]!;
const chunk = new Uint8Array(1 << 20).fill(7);
function* chunks(): Generator<Uint8Array> {
  for (let i = 0; i < 64; i++) {
    if (i === 32) {
      fs.writeFileSync(`${out}.halfway`, '');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30_000); // stall until killed
    }
    yield chunk;
  }
}
writeFileAtomic(out, chunks());
