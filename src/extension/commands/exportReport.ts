/**
 * "Export Report": saves the latest profile as JSON (the versioned report contract, as the CLI's --json
 * prints it), Markdown, or a self-contained HTML page (no scripts, no external resources).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatBytes, formatCount } from '../../engine/report/format';
import { renderProfileHtml } from '../../engine/report/html/profileHtml';
import { reportPageHtml } from '../../engine/report/html/reportPage';
import type { ProfileReport } from '../../engine/report/profileReport';
import { escapeHtml } from '../../protocol/escapeHtml';
import { log } from '../log';
import { formatMs } from '../views/layerCostTree';
import type { LayerCostReport } from '../views/layerCostModel';

export type ReportFormat = 'json' | 'md' | 'html';

const FORMATS: { label: string; format: ReportFormat; filter: string }[] = [
  { label: 'HTML', format: 'html', filter: 'HTML' },
  { label: 'JSON', format: 'json', filter: 'JSON' },
  { label: 'Markdown', format: 'md', filter: 'Markdown' },
];

function rows(r: LayerCostReport): string[][] {
  return [...r.nodes]
    .sort((a, b) => b.p50Us - a.p50Us)
    .map((n) => [
      n.name,
      n.op,
      formatMs(n.p50Us),
      `${(n.share * 100).toFixed(1)}%`,
      formatBytes(n.memoryBytes),
      formatCount(n.flops),
    ]);
}

const HEADER = ['Node', 'Op', 'p50', 'Share', 'Memory', 'FLOPs'];

export function renderMarkdown(r: LayerCostReport): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  return [
    `# Profile of ${path.basename(r.file)}`,
    '',
    `p50 ${r.totalP50Ms.toFixed(2)} ms over ${r.runs} runs (optimization level ${r.optimizationLevel}).`,
    '',
    ...(r.suggestions.length
      ? [
          '## Suggestions',
          '',
          ...r.suggestions.map((s) => `- **${esc(s.title)}**${s.node ? ` (\`${s.node}\`)` : ''}: ${esc(s.detail)}`),
          '',
        ]
      : []),
    '## Layers',
    '',
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows(r).map((cells) => `| ${cells.map(esc).join(' | ')} |`),
    '',
  ].join('\n');
}

export function renderHtml(r: LayerCostReport): string {
  const body = rows(r)
    .map(
      (cells) =>
        `<tr>${cells.map((c, i) => (i < 2 ? `<td>${escapeHtml(c)}</td>` : `<td class="n">${escapeHtml(c)}</td>`)).join('')}</tr>`,
    )
    .join('\n');
  const suggestions = r.suggestions
    .map(
      (s) =>
        `<li><b>${escapeHtml(s.title)}</b>${s.node ? ` (<code>${escapeHtml(s.node)}</code>)` : ''}: ${escapeHtml(s.detail)}</li>`,
    )
    .join('');
  return reportPageHtml({
    title: `Profile of ${path.basename(r.file)}`,
    style:
      'body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}.n{text-align:right;font-variant-numeric:tabular-nums}',
    body: `<h1>Profile of ${escapeHtml(path.basename(r.file))}</h1>
<p>p50 ${r.totalP50Ms.toFixed(2)} ms over ${r.runs} runs (optimization level ${escapeHtml(r.optimizationLevel)}).</p>
${suggestions ? `<h2>Suggestions</h2><ul>${suggestions}</ul>` : ''}
<h2>Layers</h2>
<table><thead><tr>${HEADER.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>
${body}
</tbody></table>`,
  });
}

export function renderReport(r: LayerCostReport, format: ReportFormat): string {
  if (format === 'json') return JSON.stringify(r.source, null, 2) + '\n';
  if (format === 'md') return renderMarkdown(r);
  // The engine's own HTML rendering of the profile (the same page `onnx-tuner profile --html` writes).
  return isProfileReport(r.source) ? renderProfileHtml(r.source) : renderHtml(r);
}

function isProfileReport(x: unknown): x is ProfileReport {
  return !!x && typeof x === 'object' && (x as { kind?: unknown }).kind === 'profile';
}

export async function exportReport(
  r: LayerCostReport,
  format?: string,
  target?: vscode.Uri,
): Promise<vscode.Uri | undefined> {
  const chosen =
    FORMATS.find((f) => f.format === format) ??
    (await vscode.window.showQuickPick(FORMATS, {
      title: 'Export Report: format',
      placeHolder: 'HTML, JSON or Markdown',
    }));
  if (!chosen) return undefined;
  const base = path.basename(r.file).replace(/\.onnx$/i, '');
  const uri =
    target ??
    (await vscode.window.showSaveDialog({
      title: 'Export Report',
      defaultUri: vscode.Uri.file(path.join(path.dirname(r.file), `${base}.profile.${chosen.format}`)),
      filters: { [chosen.filter]: [chosen.format] },
    }));
  if (!uri) return undefined;
  fs.writeFileSync(uri.fsPath, renderReport(r, chosen.format));
  log().info(`exported ${chosen.label} report to ${uri.fsPath}`);
  return uri;
}
