/**
 * End to end in Restricted Mode: workspace trust is on and the folder is not trusted. Viewing must work (the
 * model opens as a graph), while nothing that hands the model to onnxruntime is offered: Profile and Optimize
 * are missing from the palette and greyed out in the editor toolbar (their enablement is isWorkspaceTrusted),
 * the workbench says it is in Restricted Mode, and no runtime process starts. Run by runE2e.ts in a round of
 * its own, with trust enabled.
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { e2e } from './support/context';
import { explorerRow, waitForExtension, waitForWorkbench, waitInFrame, webviewFrameWith } from './support/workbench';

/** Live runtime processes (dist/runtimeProcess.js), from /proc. */
/**
 * Job processes (runtime, engine jobs) started by this run's extension: their command line names a file under
 * the run's own extensions folder, so other ONNX Tuner processes on a shared machine are not counted.
 */
function runtimeProcesses(extensionsDir: string): number {
  return fs
    .readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((pid) => {
      try {
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmd.includes(extensionsDir) && /(runtimeProcess|jobProcess)\.js/.test(cmd);
      } catch {
        return false;
      }
    }).length;
}

describe('ONNX Tuner in Restricted Mode (untrusted workspace)', function () {
  this.timeout(180_000);
  let filesBefore: string[] = [];

  before(async () => {
    const { page, url, workspace } = e2e();
    filesBefore = fs.readdirSync(workspace).sort();
    await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
    await waitForWorkbench(page);
    await waitForExtension(page);
  });

  it('still opens the model as a graph', async () => {
    const { page, model } = e2e();
    const name = path.basename(model);
    const row = explorerRow(page, name);
    await row.waitFor({ timeout: 60_000 });
    await row.dblclick();
    const frame = await webviewFrameWith(page, 'canvas#graph');
    await waitInFrame(frame, 'window.__onnxTunerTest && window.__onnxTunerTest.drawnUnits() > 0', 60_000);
    assert.match(await frame.locator('#status').innerText(), /672 nodes/);
  });

  it('offers nothing that runs the model, and the workbench says why', async () => {
    const { page } = e2e();
    await page.screenshot({ path: path.join(e2e().run.shots, 'restricted-mode.png') });
    // The workbench's own explanation: the Restricted Mode indicator in the status bar.
    await page.locator('.statusbar').getByText('Restricted Mode').first().waitFor({ timeout: 10_000 });
    await page.evaluate('document.activeElement && document.activeElement.blur()');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 5000 });
    await input.fill('>ONNX Tuner');
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await rows.first().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(500);
    const titles = await rows.allInnerTexts();
    await page.keyboard.press('Escape');
    assert.ok(
      titles.some((t) => t.includes('Open as Text Summary')),
      `palette: ${titles.join(' | ')}`,
    );
    for (const blocked of ['Profile Model', 'Optimize Model', 'Compare Two Models'])
      assert.ok(!titles.some((t) => t.includes(blocked)), `'${blocked}' is offered untrusted: ${titles.join(' | ')}`);
    // The editor toolbar keeps the Profile button but greys it out.
    const profileButton = page.locator('.editor-actions .action-item', {
      has: page.locator('[aria-label*="Profile Model"]'),
    });
    await profileButton.first().waitFor({ timeout: 10_000 });
    assert.match((await profileButton.first().getAttribute('class')) ?? '', /disabled/);
  });

  it('starts no runtime process and writes nothing', () => {
    assert.equal(runtimeProcesses(e2e().run.extensions), 0);
    assert.deepEqual(fs.readdirSync(e2e().workspace).sort(), filesBefore);
  });
});
