/**
 * The accuracy loop on a real model (issue 18), in code-server with the packaged .vsix: ppocr-det (a copy named
 * det-tuning.onnx, at 1×3×320×320) optimized with the "Dynamic int8, Conv included" preset (min cosine 0.64)
 * → the error heat map, ranked by the error each node adds, is hottest where `localize` ranks first → "Keep the
 * Worst Nodes of the Error Heat Map in Float…" with 30 → Re-quantize → the report's iteration table: two timed
 * rows, the second above cosine 0.98 with those 30 Convs float. (Measured with the CLI: keeping localize's top
 * 28–30 by added error float gives 0.9833–0.9837; its top 30 by accumulated error gives 0.0995.)
 * Named to sort after userJourneysTuningLoop.e2e.ts: it reloads the workbench too.
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { localizeFiles } from '../../src/engine/verify/localizeFiles';
import { e2e } from './support/context';
import {
  activeGraphFrame,
  answerCommandInput,
  editWorkspaceSettings,
  openModelNamed,
  reportWithIterations,
  searchGraph,
  valueInFrame,
  waitForToast,
} from './support/journeys';
import { pickQuickItem, runFromPalette, waitForExtension, waitForWorkbench } from './support/workbench';

const MODEL = 'det-tuning.onnx';
const KEEP = 30;

describe('Accuracy loop on ppocr-det: keep the worst nodes float, re-quantize (issue 18)', function () {
  this.timeout(420_000);
  let file = '';

  before(async function () {
    const { page, url, workspace, model } = e2e();
    if (!fs.existsSync(model) || !/ppocr-det/.test(path.basename(model))) this.skip(); // the run's model is ppocr-det from the cache (npm run models); without it there is no run
    file = path.join(workspace, MODEL);
    fs.copyFileSync(model, file);
    // The shape the figures above were measured at, whatever the specs before left in the settings.
    editWorkspaceSettings((s) => ({ ...s, 'onnxTuner.inputShapes': { x: [1, 3, 320, 320] } }));
    await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
    await waitForWorkbench(page);
    await waitForExtension(page);
    await runFromPalette(page, 'View: Close All Editors');
  });
  after(() => {
    if (!file) return;
    for (const f of fs.readdirSync(path.dirname(file)))
      if (f.startsWith('det-tuning.')) fs.rmSync(path.join(path.dirname(file), f), { force: true });
  });

  it(`colours by added error where localize ranks first; its top ${KEEP} kept float lift min cosine above 0.98`, async () => {
    const { page, run } = e2e();
    await openModelNamed(MODEL);
    const graph = await activeGraphFrame(300);
    await runFromPalette(page, 'ONNX Tuner: Optimize Model');
    await pickQuickItem(page, 'Dynamic int8, Conv included');

    // The heat map arrives after the report, ranked by the error each node adds.
    await valueInFrame(
      graph,
      `document.getElementById('legend-label').textContent.startsWith('error each node adds')`,
      180_000,
    );
    const int8 = path.join(path.dirname(file), 'det-tuning.int8.onnx');
    const ranked = await localizeFiles(file, int8, { inputShapes: { x: [1, 3, 320, 320] } });
    const ranking = ranked.map((e) => e.node);
    assert.ok(
      ranked.slice(0, KEEP).every((e) => e.added && e.op === 'Conv'),
      'the worst nodes are quantized Convs',
    );
    const heats = (await graph.evaluate(
      `${JSON.stringify(ranking)}.map((n) => window.__onnxTunerTest.heat(n))`,
    )) as number[];
    assert.strictEqual(heats[0], 1, `the node localize ranks first (${ranking[0]}) is the hottest: ${heats}`);
    for (let i = 1; i < heats.length; i++)
      assert.ok(heats[i - 1]! >= heats[i]!, `heat follows the ranking at ${ranking[i]}: ${heats.slice(0, i + 1)}`);
    await searchGraph(graph, ranking[0]!); // the screenshot shows the hottest node
    await valueInFrame(graph, `window.__onnxTunerTest.onScreen(${JSON.stringify(ranking[0])})`);
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(run.shots, 'error-heat-map-ppocr-det.png') });
    e2e().log(`ppocr-det error heat map: localize ranks ${ranking.slice(0, 5).join(', ')} first`);

    // Keep the 30 worst in float from the palette (the count in its input box), then Re-quantize on the toast.
    await answerCommandInput(
      'ONNX Tuner: Keep the Worst Nodes of the Error Heat Map in Float',
      /How many of the nodes the error heat map ranks worst \(by the error each adds\)/,
      String(KEEP),
    );
    await waitForToast(new RegExp(`${KEEP} nodes \\(${ranking[0]}, .* will be kept in float`), 30_000);
    const toast = page.locator('.notification-toast', { hasText: /will be kept in float/ }).first();
    await toast.getByRole('button', { name: 'Re-quantize' }).click();

    const report = await reportWithIterations(2, 300_000);
    const rows = (await report.evaluate(
      `[...document.querySelectorAll('table.iterations tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent))`,
    )) as string[][];
    e2e().log(`ppocr-det iterations: ${JSON.stringify(rows)}`);
    assert.strictEqual(rows.length, 2);
    const cosines = rows.map((r) => Number(r[3]));
    assert.ok(cosines[0]! < 0.9, `all Convs int8: ${cosines[0]}`);
    assert.ok(cosines[1]! > 0.98, `top ${KEEP} float: ${cosines[1]}`);
    assert.match(rows[0]![4]!, /^0: \(none\)$/);
    assert.match(rows[1]![4]!, new RegExp(`^${KEEP}: ${ranking[0]}, `));
    for (const r of rows) assert.match(r[1]!, /^\d+\.\d+ ms \(/, `every iteration is timed: ${r[1]}`);
    const list = JSON.parse(
      fs.readFileSync(path.join(path.dirname(file), 'det-tuning.onnx-tuner-exclude.json'), 'utf8'),
    );
    assert.deepStrictEqual(list.keepFloat, ranking.slice(0, KEEP));
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(run.shots, 'iteration-table-ppocr-det.png') });
    await runFromPalette(page, 'View: Close All Editors');
  });
});
