/**
 * The comparison report of two models (after Optimize, or from Compare Two Models), in a webview panel. The
 * page is static markup built here from numbers and escaped names; it runs no script. Its one link opens the
 * two graphs' visual diff (Compare Graphs).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatBytes } from '../../engine/report/format';
import type { ComparisonSummary, OptimizeResult } from '../jobs/jobProtocol';
import { escapeHtml } from '../../protocol/escapeHtml';
import { webviewShell } from './webviewHtml';
import { iterationTableHtml, type IterationRow } from '../../engine/report/iterationTable';

export const COMPARISON_VIEW_TYPE = 'onnxTuner.comparison';

/** Extension-authored styles (the CSP allows inline styles, never inline scripts). */
const STYLE = `body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 16px; }
h1 { font-size: 1.4em; font-weight: 600; }
h2 { font-size: 1.1em; font-weight: 600; margin-top: 1.5em; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { padding: 4px 12px; text-align: right; border-bottom: 1px solid var(--vscode-editorWidget-border, #444); }
th:first-child { text-align: left; }
tbody th { font-weight: normal; font-family: var(--vscode-editor-font-family); }
.label { display: inline-block; padding: 0 6px; border-radius: 3px; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); font-weight: 600; }
.note { color: var(--vscode-descriptionForeground); }
.verdict { padding: 6px 10px; border-left: 4px solid; background: var(--vscode-textBlockQuote-background); }
.verdict.good { border-color: var(--vscode-testing-iconPassed, #388a34); }
.verdict.warn { border-color: var(--vscode-editorWarning-foreground, #bf8803); }
.verdict.bad { border-color: var(--vscode-editorError-foreground, #e51400); }
tr.best th, tr.best td { font-weight: 600; }`;

function row(label: string, a: string, b: string, change: string): string {
  return `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(a)}</td><td>${escapeHtml(b)}</td><td>${escapeHtml(change)}</td></tr>`;
}

function ratio(r: number): string {
  return `${r.toFixed(2)}×`;
}

/**
 * One line that says whether B is a good trade, so a cosine of 0.64 is not left for the reader to spot.
 * The 0.999 / 0.99 bars are the usual ones for "same model" after int8 (per output, flattened cosine).
 */
export function verdict(c: ComparisonSummary): { level: 'good' | 'warn' | 'bad'; text: string } {
  const worst = c.outputs.reduce((m, o) => Math.min(m, o.cosine), 1);
  const faster = c.latency ? c.latency.ratio < 0.95 : undefined;
  const smaller = c.sizeB < c.sizeA * 0.95;
  if (c.outputs.length && worst < 0.99)
    return {
      level: 'bad',
      text: `Outputs changed a lot (worst cosine ${worst.toFixed(4)}): check accuracy on real data before using B, or exclude the most sensitive layers.`,
    };
  const gains = [
    smaller ? `${(c.sizeA / c.sizeB).toFixed(1)}× smaller` : '',
    faster ? `${(1 / c.latency!.ratio).toFixed(2)}× faster` : '',
  ]
    .filter(Boolean)
    .join(', ');
  if (faster === false)
    return {
      level: 'warn',
      text: `B is not faster here${gains ? ` (${gains})` : ''}; outputs match (worst cosine ${worst.toFixed(4)}).`,
    };
  return {
    level: 'good',
    text: `${gains || 'Same size and speed'}; outputs match (worst cosine ${worst.toFixed(4)}).`,
  };
}

/**
 * A command link that opens the two models' graph diff (graphDiffPanel.ts). The arguments are JSON in the URI; the
 * panel allows this one command only (enableCommandUris), and the command takes only paths ending in .onnx.
 */
export function compareGraphsLink(a: string, b: string): string {
  return `command:onnxTuner.compareGraphs?${encodeURIComponent(JSON.stringify([a, b]))}`;
}

/** "Keep this one" on an iteration row: the original and the file to keep, as JSON in a command URI. */
export function keepIterationLink(original: string, file: string): string {
  return `command:onnxTuner.keepIteration?${encodeURIComponent(JSON.stringify([original, file]))}`;
}

/** The click-to-exclude loop's rows (issue 18), shown when the model has been optimized more than once. */
function iterationsSection(c: ComparisonSummary, rows: readonly IterationRow[]): string {
  if (!rows.length) return '';
  return `<h2>Iterations</h2>
<p class="note">Each optimize of ${escapeHtml(path.basename(c.a))} with its exclusion list; the best trade is in bold.</p>
${iterationTableHtml(rows, (r) => keepIterationLink(c.a, r.file))}`;
}

export function comparisonBody(
  c: ComparisonSummary,
  steps: OptimizeResult['steps'] = [],
  iterations: readonly IterationRow[] = [],
): string {
  const rows = [
    row('File size', formatBytes(c.sizeA), formatBytes(c.sizeB), ratio(c.sizeB / c.sizeA)),
    row('Nodes', String(c.nodesA), String(c.nodesB), `${c.nodesB - c.nodesA >= 0 ? '+' : ''}${c.nodesB - c.nodesA}`),
  ];
  if (c.latency)
    rows.push(
      row(
        'Latency (p50)',
        `${c.latency.aMs.toFixed(2)} ms`,
        `${c.latency.bMs.toFixed(2)} ms`,
        `${ratio(c.latency.ratio)} (${c.latency.ratio < 1 ? `${(1 / c.latency.ratio).toFixed(2)}× faster` : 'not faster'})`,
      ),
    );
  const outputs = c.outputs
    .map(
      (o) =>
        `<tr><th>${escapeHtml(o.name)}</th><td>${o.maxAbsError.toExponential(3)}</td><td>${o.cosine.toFixed(6)}</td></tr>`,
    )
    .join('');
  const v = verdict(c);
  const stepList = steps.map((s) => `<li><b>${escapeHtml(s.name)}</b>: ${escapeHtml(s.summary)}</li>`).join('');
  return `<main class="report" id="comparison-report">
<h1>Comparison</h1>
<p class="verdict ${v.level}">${escapeHtml(v.text)}</p>
<p class="files"><span class="label">A</span> ${escapeHtml(path.basename(c.a))} <span class="label">B</span> ${escapeHtml(path.basename(c.b))} · <a id="compare-graphs" href="${escapeHtml(compareGraphsLink(c.a, c.b))}">Compare Graphs</a></p>
${stepList ? `<h2>What changed</h2><ul>${stepList}</ul>` : ''}
<table class="summary"><thead><tr><th></th><th>A</th><th>B</th><th>B vs A</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<h2>Outputs</h2>
<table class="outputs"><thead><tr><th>Output</th><th>Max abs error</th><th>Cosine</th></tr></thead><tbody>${outputs}</tbody></table>
${iterationsSection(c, iterations)}
${c.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('')}
</main>`;
}

export function showComparison(
  extensionUri: vscode.Uri,
  c: ComparisonSummary,
  steps: OptimizeResult['steps'] = [],
  iterations: readonly IterationRow[] = [],
): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel(
    COMPARISON_VIEW_TYPE,
    `Compare: ${path.basename(c.a)} ↔ ${path.basename(c.b)}`,
    { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
    {
      enableScripts: false,
      enableCommandUris: ['onnxTuner.compareGraphs', 'onnxTuner.keepIteration'],
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
    },
  );
  panel.webview.html = webviewShell(panel.webview, extensionUri, {
    title: 'Comparison',
    inlineStyle: STYLE,
    body: comparisonBody(c, steps, iterations),
  });
  return panel;
}
