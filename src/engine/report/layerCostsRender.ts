/** Layer Costs as an exported report: JSON (the profile itself), Markdown, or a self-contained HTML page. */
import * as path from 'node:path';
import { escapeHtml } from '../../protocol/escapeHtml';
import { formatBytes, formatMs, formatQuantity } from './format';
import { renderProfileHtml } from './html/profileHtml';
import { reportPageHtml } from './html/reportPage';
import { formatProfiledInputs, type LayerCostReport } from './layerCosts';
import type { ProfileReport } from './profileReport';

export type ReportFormat = 'json' | 'md' | 'html';

function rows(r: LayerCostReport): string[][] {
  return [...r.nodes]
    .sort((a, b) => b.p50Us - a.p50Us)
    .map((n) => [
      n.name,
      n.op,
      formatMs(n.p50Us),
      `${(n.share * 100).toFixed(1)}%`,
      formatBytes(n.memoryBytes),
      formatQuantity(n.flops, 'FLOPs'),
    ]);
}

const HEADER = ['Node', 'Op', 'p50', 'Share', 'Memory', 'Compute'];

export function renderMarkdown(r: LayerCostReport): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  return [
    `# Profile of ${path.basename(r.file)}`,
    '',
    `p50 ${r.totalP50Ms.toFixed(2)} ms over ${r.runs} runs (optimization level ${r.optimizationLevel}).`,
    ...(r.inputs?.length ? ['', `Inputs: ${esc(formatProfiledInputs(r.inputs))}.`] : []),
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
${r.inputs?.length ? `<p id="profiled-inputs">Inputs: ${escapeHtml(formatProfiledInputs(r.inputs))}.</p>` : ''}
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
