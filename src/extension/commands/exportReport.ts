/**
 * "Export Report": saves the latest profile as JSON (the versioned report contract, as the CLI's --json
 * prints it), Markdown, or a self-contained HTML page (no scripts, no external resources).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LayerCostReport } from '../../engine/report/layerCosts';
import { renderReport, type ReportFormat } from '../../engine/report/layerCostsRender';
import { log } from '../log';

const FORMATS: { label: string; format: ReportFormat; filter: string }[] = [
  { label: 'HTML', format: 'html', filter: 'HTML' },
  { label: 'JSON', format: 'json', filter: 'JSON' },
  { label: 'Markdown', format: 'md', filter: 'Markdown' },
];

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
      ignoreFocusOut: true,
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
