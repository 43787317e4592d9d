/**
 * The compute-scaling sweep report (Find Best Runtime Settings) in a webview panel: the recommendation, the
 * engine's latency-vs-throughput chart (inline SVG) and the table, and a "Save these settings" button that
 * writes the recommended thread count and execution provider into the workspace settings.
 *
 * Security (DESIGN.md): CSP with one extension-authored script allowed by nonce, no remote content; every
 * string from the model or the system is escaped. The page can only ask to save: the host accepts exactly
 * the message `{ type: 'saveSettings' }` and saves its OWN recommendation, never values from the message.
 */
import { saveRuntimeSettings } from '../settings';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SweepPoint, SweepResult } from '../../engine/sweep/sweep';
import { SWEEP_TABLE_HEAD, sweepChartSvg, sweepPointCells } from '../../engine/report/sweepRender';
import { log } from '../log';
import { escapeHtml } from '../../protocol/escapeHtml';
import { webviewShellHtml } from '../../protocol/webviewHtml';
import { nonce } from './webviewHtml';

export const SWEEP_VIEW_TYPE = 'onnxTuner.sweepReport';

/** What "Save these settings" writes (settings.ts reads these keys: `threads`, `executionProvider`). */
export interface SavedRuntimeSettings {
  readonly threads: number;
  readonly executionProvider: string;
}

const STYLE = `body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 16px; }
h1 { font-size: 1.4em; font-weight: 600; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { padding: 3px 10px; text-align: right; border-bottom: 1px solid var(--vscode-editorWidget-border, #444); }
tr.recommended td { font-weight: 600; background: var(--vscode-list-inactiveSelectionBackground); }
svg { background: #fff; border-radius: 4px; }
.note { color: var(--vscode-descriptionForeground); }
button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 6px 14px; cursor: pointer; }
button:hover { background: var(--vscode-button-hoverBackground); }`;

/** Extension-authored; the only script the page runs. */
const SCRIPT = `const vscode = acquireVsCodeApi();
const b = document.getElementById('save');
if (b) b.addEventListener('click', () => vscode.postMessage({ type: 'saveSettings' }));`;

function tableRow(p: SweepPoint, recommended: SweepPoint | null): string {
  const cells = sweepPointCells(p);
  return `<tr${p === recommended ? ' class="recommended"' : ''}>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
}

export function sweepReportHtml(r: SweepResult, modelLabel: string, cspSource: string): string {
  const point = r.recommendation.point;
  const save = point
    ? `<p><button id="save">Save these settings</button> <span class="note">writes onnxTuner.threads = ${point.threads} and onnxTuner.executionProvider = ${escapeHtml(point.provider)} to the workspace settings</span></p>`
    : '';
  const skipped = r.skipped.map(
    (s) =>
      `<li>${escapeHtml(`${s.provider}${s.threads ? ` threads=${s.threads}` : ''}${s.batch ? ` batch=${s.batch}` : ''}: ${s.reason}`)}</li>`,
  );
  return webviewShellHtml({
    cspSource,
    nonce: nonce(),
    title: `Runtime settings: ${modelLabel}`,
    inlineStyle: STYLE,
    inlineScript: SCRIPT,
    body: `<h1>Best runtime settings: ${escapeHtml(modelLabel)}</h1>
<p><strong>Recommendation:</strong> ${escapeHtml(r.recommendation.reason)}</p>
${save}
${sweepChartSvg(r.points, r.budgetMs)}
<table>${SWEEP_TABLE_HEAD}
<tbody>
${r.points.map((p) => tableRow(p, point)).join('\n')}
</tbody></table>
<p class="note">${r.runs} measured runs per point. ${escapeHtml(r.memoryNote)}</p>
${skipped.length ? `<ul>${skipped.join('')}</ul>` : ''}`,
  });
}

/** The open report: tests drive `handleMessage` the way the page does. */
export class SweepReport {
  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly result: SweepResult,
    private readonly modelUri: vscode.Uri,
  ) {}

  /** Handles a message from the page; anything but `{ type: 'saveSettings' }` is ignored. */
  async handleMessage(m: unknown): Promise<SavedRuntimeSettings | undefined> {
    const keys = m && typeof m === 'object' ? Object.keys(m) : [];
    if (keys.length !== 1 || (m as { type?: unknown }).type !== 'saveSettings') {
      log().warn(`sweep report: ignored an unexpected message from the webview`);
      return undefined;
    }
    return this.save();
  }

  /** Writes the recommended threads and execution provider to the workspace settings. */
  async save(): Promise<SavedRuntimeSettings | undefined> {
    const p = this.result.recommendation.point;
    if (!p) return undefined;
    await saveRuntimeSettings(this.modelUri, { threads: p.threads, executionProvider: p.provider });
    log().info(`saved runtime settings: ${p.threads} thread(s), ${p.provider}`);
    void vscode.window.showInformationMessage(
      `Saved to the workspace settings: ${p.threads} thread(s), execution provider ${p.provider}.`,
    );
    return { threads: p.threads, executionProvider: p.provider };
  }
}

export function showSweepReport(result: SweepResult, modelUri: vscode.Uri): SweepReport {
  const label = path.basename(modelUri.fsPath);
  const panel = vscode.window.createWebviewPanel(
    SWEEP_VIEW_TYPE,
    `Runtime settings: ${label}`,
    vscode.ViewColumn.Beside,
    { enableScripts: true, localResourceRoots: [] },
  );
  const report = new SweepReport(panel, result, modelUri);
  panel.webview.html = sweepReportHtml(result, label, panel.webview.cspSource);
  panel.webview.onDidReceiveMessage((m: unknown) => void report.handleMessage(m));
  return report;
}
