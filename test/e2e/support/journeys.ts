/**
 * Steps the journey specs (test/e2e/journeys.e2e.ts) share: open a model of the workspace in its graph
 * editor, profile the open model, read the Layer Costs rows, and save a named screenshot. Everything is read
 * the way a user reads it: tree rows, notification text, the graph webview's DOM and test hook.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { e2e } from './context';
import {
  runFromPalette,
  shownExplorerRow,
  treeRows,
  type TreeRow,
  waitForExtension,
  waitInFrame,
  webviewFrameWith,
} from './workbench';

export async function journeyShot(name: string): Promise<string> {
  const file = path.join(e2e().run.shots, `journey-${name}.png`);
  await e2e().page.screenshot({ path: file });
  return file;
}

/**
 * Opens `name` (a file at the workspace root) in the graph editor and waits for its tab. A model opened before
 * the workbench has registered the extension's custom editor lands in the binary-file placeholder instead
 * (see waitForExtension): that is the workbench starting up, not the extension, so it is logged, the extension's
 * contributions are awaited again and the model opened once more.
 */
export async function openModelNamed(name: string): Promise<void> {
  const { page } = e2e();
  for (let attempt = 1; ; attempt++) {
    const row = await shownExplorerRow(page, name);
    await row.dblclick();
    await page
      .locator('.tabs-container')
      .getByRole('tab', { name: new RegExp(name.replace(/\./g, '\\.')) })
      .first()
      .waitFor({ timeout: 30_000 });
    await page.waitForTimeout(300);
    if (attempt > 1 || !(await page.locator('.monaco-editor-pane-placeholder').first().isVisible())) return;
    e2e().log(`${name} opened in the binary-file placeholder: the custom editor was not registered yet; reopening`);
    await runFromPalette(page, 'View: Close All Editors');
    await waitForExtension(page);
  }
}

/**
 * The graph webview of the model in the active tab: the one whose page holds `canvas#graph` and has drawn.
 * Several graph editors may be open and hidden ones keep their frames: `minUnits` tells a big model's page
 * (ppocr-det: 672) from a small one's.
 */
export async function activeGraphFrame(minUnits = 1, timeoutMs = 60_000): Promise<Frame> {
  const { page } = e2e();
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const f of page.frames()) {
      try {
        if ((await f.locator('canvas#graph').count()) === 0) continue;
        const shown = (await f.evaluate(
          `document.visibilityState === "visible" && !!window.__onnxTunerTest && window.__onnxTunerTest.drawnUnits() > 0 && window.__onnxTunerTest.visibleUnits() >= ${minUnits} && document.body.clientWidth > 0`,
        )) as boolean;
        if (shown) return f;
      } catch {
        // frame detached or not ready
      }
    }
    await page.waitForTimeout(200);
  }
  // Giving up: record what the page held, so a rare failure (issue 18's ppocr-det spec) can be diagnosed.
  const frames: string[] = [];
  for (const f of page.frames()) {
    const canvases = await f
      .locator('canvas#graph')
      .count()
      .catch(() => -1);
    const hook = canvases > 0 ? await f.evaluate(GRAPH_STATE).catch((e: unknown) => String(e)) : '';
    frames.push(`${f.name() || '(unnamed)'} ${f.url().slice(0, 120)} canvas=${canvases} ${JSON.stringify(hook)}`);
  }
  e2e().log(`activeGraphFrame(${minUnits}) gave up; frames:\n  ${frames.join('\n  ')}`);
  await page.screenshot({ path: path.join(e2e().run.shots, `no-graph-frame-${Date.now()}.png`) }).catch(() => {});
  return webviewFrameWith(page, 'canvas#graph', 1000);
}

/** What the graph page's test hook says about its state (for the log when no graph frame is found). */
const GRAPH_STATE = `(() => { const t = window.__onnxTunerTest; return t ? { visible: document.visibilityState, width: document.body.clientWidth, drawn: t.drawnUnits(), units: t.visibleUnits(), init: t.initReceivedAt, frame: t.frameCompleteAt } : 'no hook'; })()`;

/**
 * Runs `command` from the palette and types `value` into the input box it opens (its prompt matching
 * `prompt`), then Enter. A quick input closes when it loses focus: once in a CI run the box never stayed open
 * after the graph webview had held focus (nothing was kept, nothing logged). If it has not shown within 10 s,
 * the command runs again, with a log line; nothing was entered before that, so a retry repeats nothing.
 */
export async function answerCommandInput(command: string, prompt: RegExp, value: string): Promise<void> {
  const { page } = e2e();
  const message = page.locator('.quick-input-widget .quick-input-message', { hasText: prompt });
  const input = page.locator('.quick-input-widget .quick-input-box input');
  for (let attempt = 1; ; attempt++) {
    await runFromPalette(page, command);
    try {
      await message.waitFor({ timeout: 10_000 });
      await input.fill(value, { timeout: 5_000 });
      break;
    } catch (e) {
      if (attempt >= 3) throw e;
      e2e().log(`'${command}': its input box did not stay open (${String(e).split('\n')[0]}); running it again`);
      await page.keyboard.press('Escape');
    }
  }
  await page.keyboard.press('Enter');
}

/** The Layer Costs row labelled `label`, once its description matches `description` (a profile finished). */
export async function waitForLayerCostsRow(label: string, description: RegExp, timeoutMs = 120_000): Promise<TreeRow> {
  const { page } = e2e();
  const end = Date.now() + timeoutMs;
  let rows: TreeRow[] = [];
  while (Date.now() < end) {
    rows = await treeRows(page, 'Layer Costs').catch(() => []);
    const hit = rows.find((r) => r.name === label && description.test(r.description));
    if (hit) return hit;
    await page.waitForTimeout(400);
  }
  throw new Error(
    `no Layer Costs row '${label}' matching ${description}; rows: ${JSON.stringify(rows.slice(0, 6).map((r) => `${r.name} ${r.description}`))}`,
  );
}

/** Profiles the model in the active editor from the palette. */
export async function profileActiveModel(): Promise<void> {
  await runFromPalette(e2e().page, 'ONNX Tuner: Profile Model');
}

/** A notification toast whose text matches `text`, once shown. */
export async function waitForToast(text: RegExp, timeoutMs = 60_000): Promise<string> {
  const toast = e2e().page.locator('.notification-toast', { hasText: text }).first();
  await toast.waitFor({ timeout: timeoutMs });
  return toast.innerText();
}

/** Closes every notification toast (so the next one is read on its own). */
export async function clearToasts(): Promise<void> {
  await runFromPalette(e2e().page, 'Notifications: Clear All Notifications');
}

/** Reads and rewrites the workspace settings file (the extension reads settings per command). */
export function editWorkspaceSettings(change: (s: Record<string, unknown>) => Record<string, unknown>): void {
  const file = path.join(e2e().workspace, '.vscode', 'settings.json');
  const current = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(file, JSON.stringify(change(current), null, 2));
}

/** Polls `expression` in the frame until it is truthy and returns its value. */
export async function valueInFrame<T>(frame: Frame, expression: string, timeoutMs = 30_000): Promise<T> {
  await waitInFrame(frame, expression, timeoutMs);
  return (await frame.evaluate(expression)) as T;
}

/** The properties pane's rows as { key: value } ("latency p50": "5.43 ms", "memory": "1.13 MB"...). */
export async function paneRows(frame: Frame): Promise<Record<string, string>> {
  return (await frame.evaluate(
    `Object.fromEntries([...document.querySelectorAll('#properties > dl > dt')].map((dt) => [dt.textContent, dt.nextElementSibling ? dt.nextElementSibling.textContent : '']))`,
  )) as Record<string, string>;
}

/** Types into the graph's search box (a vscode-textfield: its input lives in a shadow root). */
export async function searchGraph(frame: Frame, text: string): Promise<void> {
  await frame.locator('#search input').fill(text);
}

/** Bytes from "1.13 MB" / "600 KB" / "512 B" (the one unit policy: binary units). */
export function parseBytes(text: string): number {
  const m = /^([\d.]+) (B|KB|MB|GB)$/.exec(text.trim());
  if (!m) throw new Error(`not a byte size: '${text}'`);
  return Number(m[1]) * 1024 ** ['B', 'KB', 'MB', 'GB'].indexOf(m[2]!);
}

/** The report page whose iteration table has at least `rows` rows. */
export async function reportWithIterations(rows: number, timeoutMs: number): Promise<Frame> {
  const { page } = e2e();
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const f of page.frames())
      try {
        if ((await f.locator('#comparison-report table.iterations tbody tr').count()) >= rows) return f;
      } catch {
        // not a report, or navigating
      }
    await page.waitForTimeout(250);
  }
  throw new Error(`no report with ${rows} iteration rows after ${timeoutMs} ms`);
}
