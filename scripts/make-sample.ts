/**
 * Writes the sample model the walkthrough opens (media/sample/tiny-cnn.onnx): the small CNN from the test
 * helpers (Conv → BN → Relu → MaxPool → Conv → Relu → GlobalAveragePool → Gemm, input [1,3,32,32]). The
 * folder is git-ignored; `npm run package` runs this before packaging. Usage: npx tsx scripts/make-sample.ts
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeModel } from '../src/engine/onnx/writeModel';
import { tinyCnn } from '../test/support/models';

const dir = path.join(__dirname, '..', 'media', 'sample');
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, 'tiny-cnn.onnx');
const written = writeModel(tinyCnn(1), file, { overwrite: true });
console.log(`wrote ${path.relative(process.cwd(), written.file)} (${written.bytes} bytes)`);
