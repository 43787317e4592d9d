/**
 * Writes media/screenshots/graph-heatmap.png for the README: ppocr-det in the standalone page with the heat map
 * of a real profile. Usage: `npx tsx src/cli/main.ts profile MODEL --runs 5 --shape x=1x3x320x320 --json > P.json`
 * then `npx tsx test/webview/support/makeScreenshot.ts P.json`.
 */
import * as fs from 'node:fs';
import { compactGraph } from '../../../src/engine/graph/compactGraph';
import { inferShapes } from '../../../src/engine/graph/shapeInference';
import { readModel } from '../../../src/engine/onnx/readModel';
import type { ProfileReport } from '../../../src/engine/report/profileReport';
import { listRealModels } from '../../support/realModels';
import { startHarness } from './browserHarness';
import { profileOverlayFromReport } from './profileOverlay';

async function main(): Promise<void> {
  const report = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as ProfileReport;
  const model = listRealModels().find((m) => m.name === 'ppocr-det');
  if (!model) throw new Error('ppocr-det not fetched');
  const harness = await startHarness();
  try {
    const proto = readModel(model.file).proto;
    const shapes = inferShapes(proto, { inputShapes: { x: [1, 3, 320, 320] } });
    harness.addGraph('shot', compactGraph(proto, shapes.main.types));
    const page = await harness.open('shot', { width: 1100, height: 700 });
    await page.evaluate(
      (overlay) =>
        (globalThis as unknown as { __onnxTunerHost: { send(m: unknown): void } }).__onnxTunerHost.send({
          type: 'profileOverlay',
          overlay,
        }),
      profileOverlayFromReport(report),
    );
    await page.waitForSelector('#legend', { state: 'visible' });
    // Select the hottest node so the properties pane is filled, then zoom out to show its neighbourhood.
    const hottest = [...report.nodes].sort((a, b) => b.share - a.share)[0]!;
    await page.evaluate(
      (name) =>
        (globalThis as unknown as { __onnxTunerHost: { send(m: unknown): void } }).__onnxTunerHost.send({
          type: 'revealNode',
          nodeName: name,
        }),
      hottest.nodes[0] ?? hottest.name,
    );
    if (process.env.SHOT_FIT) await page.click('#fit');
    else {
      await page.mouse.move(400, 350);
      await page.mouse.wheel(0, Number(process.env.SHOT_WHEEL ?? 150));
    }
    await page.waitForTimeout(300);
    fs.mkdirSync('media/screenshots', { recursive: true });
    await page.screenshot({ path: process.env.SHOT_OUT ?? 'media/screenshots/graph-heatmap.png' });
  } finally {
    await harness.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
