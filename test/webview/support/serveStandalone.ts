/**
 * The graph view in a plain browser, without VS Code: `npx tsx test/webview/support/serveStandalone.ts MODEL.onnx`
 * (after `node esbuild.js`) prints a 127.0.0.1 URL serving the standalone page with the stub host.
 */
import { compactGraph } from '../../../src/engine/graph/compactGraph';
import { inferShapes } from '../../../src/engine/graph/shapeInference';
import { readModel } from '../../../src/engine/onnx/readModel';
import { startHarness } from './browserHarness';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: serveStandalone.ts MODEL.onnx');
  const proto = readModel(file).proto;
  const harness = await startHarness({ launchBrowser: false });
  harness.addGraph('model', compactGraph(proto, inferShapes(proto, { dims: { batch: 1 } }).main.types));
  console.log(`${harness.baseUrl}/standalone.html?graph=/graphs/model.json  (Ctrl+C to stop)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
