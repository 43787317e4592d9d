/**
 * Page helpers for the VS Code workbench as code-server serves it. Selectors are VS Code's own roles and
 * classes (explorer rows are treeitems, menus are menuitems in an open shadow root, webviews are nested
 * iframes). Assertions are made on side effects — files, webview DOM, tree rows — not on toasts.
 */
import type { Frame, Locator, Page } from 'playwright-core';

export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
}

/**
 * Waits until the workbench knows the extension's contributions. Opening a model before that opens it in
 * the binary text editor, and the extension never activates. The ONNX Tuner activity-bar item is not enough
 * on its own: after a reload the workbench draws it from the previous session's cache before the remote
 * extension host has scanned extensions (the ppocr-det tuning-loop spec, the first to open a big model right
 * after a reload, failed 2 runs in 5 that way: its extension host never activated ONNX Tuner). The command
 * palette lists a contributed command only once the scan registered it, together with the custom editor.
 */
export async function waitForExtension(page: Page): Promise<void> {
  await page
    .locator('.activitybar')
    .getByRole('tab', { name: /ONNX Tuner/ })
    .first()
    .waitFor({ timeout: 60_000 });
  await withPaletteRow(page, EXTENSION_COMMAND, 30, () => page.keyboard.press('Escape'));
}

/** A command the palette lists in any workspace (it has no enablement), to tell that the contributions are in. */
const EXTENSION_COMMAND = 'ONNX Tuner: Open Sample Model';

export function explorerRow(page: Page, name: string): Locator {
  return page.locator('.explorer-folders-view').getByRole('treeitem', { name, exact: true });
}

/** The explorer row of `name`, with the explorer brought back first if another view (Layer Costs) holds the side bar. */
export async function shownExplorerRow(page: Page, name: string): Promise<Locator> {
  const row = explorerRow(page, name);
  const deadline = Date.now() + 60_000;
  while (!(await row.isVisible())) {
    if (Date.now() > deadline) throw new Error(`explorer row '${name}' not shown within 60 s`);
    // Click the Explorer tab only while another view holds the side bar: clicking it while the explorer is
    // shown hides the side bar (a new file may simply not be listed yet; the explorer refreshes on its own).
    if (!(await page.locator('.explorer-folders-view').isVisible()))
      await page
        .locator('.activitybar')
        .getByRole('tab', { name: /^Explorer/ })
        .first()
        .click();
    await page.waitForTimeout(500);
  }
  return row;
}

/**
 * Right-clicks `row` until the menu shows `item`: contributions arrive only once the remote extension host
 * has scanned extensions, which can be after the explorer is drawn.
 */
export async function contextMenuItem(page: Page, row: Locator, title: string, tries = 30): Promise<Locator> {
  const item = page.getByRole('menuitem', { name: title });
  for (let i = 0; i < tries; i++) {
    await row.click({ button: 'right' });
    try {
      await item.waitFor({ timeout: 1000 });
      // VS Code ignores a mouseup that comes too soon after the menu opened.
      await page.waitForTimeout(300);
      return item;
    } catch {
      await page.keyboard.press('Escape');
    }
  }
  throw new Error(`context menu item '${title}' never appeared`);
}

/** Runs a command from the palette by its full title ("ONNX Tuner: Profile Model"). */
export async function runFromPalette(page: Page, title: string): Promise<void> {
  await withPaletteRow(page, title, 20, (row) => row.click());
}

/** Opens the palette on `title` until its row is listed and `use` of it succeeds (tried `attempts` times). */
async function withPaletteRow(
  page: Page,
  title: string,
  attempts: number,
  use: (row: Locator) => Promise<void>,
): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  for (let attempt = 0; attempt < attempts; attempt++) {
    // Keys typed while a webview (graph, report) has focus stay in its iframe: give the workbench focus first.
    // (A string: this project's type-check has no DOM lib.)
    await page.evaluate('document.activeElement && document.activeElement.blur()');
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ timeout: 2000 });
      await input.fill(`>${title}`);
      await row.waitFor({ timeout: 1500 });
      await use(row);
      return;
    } catch {
      await page.keyboard.press('Escape');
      await page.waitForTimeout(500);
    }
  }
  throw new Error(`command '${title}' not in the palette`);
}

/** Picks a QuickPick entry by its label. */
export async function pickQuickItem(page: Page, label: string): Promise<void> {
  // By the item's label exactly: another item's detail may mention the same words.
  const row = page
    .locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: exactly(label) }) })
    .first();
  try {
    await row.waitFor({ timeout: 15_000 });
  } catch {
    // The list renders only the rows in view (a long wizard, a short window) and opens late on a loaded
    // machine: filter it by the label, which brings the row to the top, and wait again.
    await page.locator('.quick-input-widget .quick-input-box input').fill(label);
    await row.waitFor({ timeout: 30_000 });
  }
  await row.click();
}

/**
 * The content frame of the webview that shows `selector` (webviews are an outer iframe.webview holding
 * iframe#active-frame; several can be open at once).
 */
export async function webviewFrameWith(page: Page, selector: string, timeoutMs = 60_000): Promise<Frame> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const f of page.frames()) {
      if (f.name() !== 'active-frame' && !f.url().includes('fake.html') && !/index\.html/.test(f.url())) continue;
      try {
        if ((await f.locator(selector).count()) > 0) return f;
      } catch {
        // frame navigated or detached while looking
      }
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no webview shows '${selector}' after ${timeoutMs} ms`);
}

/** Text of every row in a view's tree (label + description), e.g. the Layer Costs view. */
export async function viewRows(page: Page, viewTitle: string): Promise<string[]> {
  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: viewTitle }) });
  return pane.locator('.monaco-list-row').allInnerTexts();
}

/** One row of a tree view as shown: its label, its description and its depth (1 = top level). */
export interface TreeRow {
  readonly name: string;
  readonly description: string;
  readonly level: number;
}

/** The rows of a tree view, read together in one pass so that labels and levels belong to the same moment. */
export async function treeRows(page: Page, viewTitle: string): Promise<TreeRow[]> {
  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: viewTitle }) });
  return pane.locator('.monaco-list-row').evaluateAll((rows) =>
    rows.map((row) => ({
      name: (row.querySelector('.label-name')?.textContent ?? '').trim(),
      description: (row.querySelector('.label-description')?.textContent ?? '').trim(),
      level: Number(row.getAttribute('aria-level') ?? 0),
    })),
  );
}

/** A pattern matching exactly `text` (for locator filters, which otherwise match substrings). */
export function exactly(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

/**
 * Polls `expression` in `frame` until it is truthy. (Not frame.waitForFunction: its polling compiles the
 * predicate with eval inside the page, which the webview's CSP rightly forbids; frame.evaluate goes
 * through the DevTools protocol instead.)
 */
export async function waitInFrame(frame: Frame, expression: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      last = await frame.evaluate(expression);
      if (last) return;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`'${expression}' still ${String(last)} after ${timeoutMs} ms`);
}
