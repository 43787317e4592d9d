/**
 * After an optimize or a comparison: measure the optimized model's per-node error against the original in a
 * job process (chunked, localize.ts) and colour the original's graph by it — the "error" heat-map metric
 * (issue 18). It runs in the background behind a window progress item: the report is already open, and the
 * heat map arrives when the measurement does.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ErrorOverlay } from '../../protocol/webviewProtocol';
import type { JobRunner } from '../jobs/jobRunner';
import type { JobRuntime } from '../jobs/jobProtocol';
import type { ModelEditorProvider } from '../views/modelEditorProvider';
import { log } from '../log';

export async function measureNodeErrors(
  jobs: JobRunner,
  editors: ModelEditorProvider,
  a: vscode.Uri,
  b: vscode.Uri,
  runtime: JobRuntime,
): Promise<ErrorOverlay | undefined> {
  try {
    const overlay = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Per-node error of ${path.basename(b.fsPath)}` },
      () => jobs.run('nodeErrors', { a: a.fsPath, b: b.fsPath, runtime }),
    );
    editors.showNodeErrors(a, overlay);
    const worst = overlay.nodes[0];
    log().info(
      `per-node error of ${path.basename(b.fsPath)}: ${overlay.nodes.length} nodes matched` +
        (worst ? `, worst ${worst.name} (${worst.op}, SNR ${worst.snrDb.toFixed(1)} dB)` : ''),
    );
    return overlay;
  } catch (e) {
    // The comparison itself succeeded and is shown; a model whose tensors cannot be exposed only loses the map.
    log().warn(`per-node error of ${path.basename(b.fsPath)} not measured: ${(e as Error)?.message ?? String(e)}`);
    return undefined;
  }
}
