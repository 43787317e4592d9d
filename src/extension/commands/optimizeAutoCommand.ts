/**
 * Optimize Model… → Automatic (the wizard's first, recommended choice): the engine's automatic optimize, the
 * same one `onnx-tuner optimize MODEL` runs — every candidate that fits the model measured against the
 * original, the best one that stays accurate written, or nothing written and the measured reasons shown.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { withCancellableProgress } from './cancellableJob';
import type { AutoOptimizeJobResult } from '../jobs/jobProtocol';
import type { JobRunner } from '../jobs/jobRunner';
import { log } from '../log';
import { modelSettings } from '../inputs/modelInputs';
import { showComparison } from '../views/comparisonPanel';
import { iterationRow, iterations, recordIteration } from './tuningLoop';

export async function optimizeAutomatically(
  uri: vscode.Uri,
  jobs: JobRunner,
  extensionUri: vscode.Uri,
  showReport = true,
): Promise<AutoOptimizeJobResult | undefined> {
  const s = await modelSettings(uri);
  const name = path.basename(uri.fsPath);
  log().info(`optimize ${uri.fsPath}: automatic choice`);
  // The job process removes a file it wrote when the job does not end with a result.
  const compareRuns = Math.min(s.runs, 20);
  const result = await withCancellableProgress(`Optimizing ${name}`, (callbacks) =>
    jobs.run(
      'optimizeAuto',
      { file: uri.fsPath, outputNaming: s.outputNaming, runtime: s.runtime, compareRuns },
      callbacks,
    ),
  );
  if (!result) return undefined;
  for (const line of result.verdictLines) log().info(`  ${line}`);
  const verdict = result.verdictLines[0]?.replace(/^verdict: /, '') ?? '';
  if (!result.outFile) {
    // Not an error: the model was measured and nothing beat it. The reasons are in the log, one per candidate.
    void vscode.window.showWarningMessage(`${name}: ${verdict}. Details in the ONNX Tuner output.`);
    return result;
  }
  void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(result.outFile));
  // A row of the model's iteration table like any optimize; Re-quantize reruns the kept candidate's recipe.
  if (result.comparison && result.candidate)
    recordIteration(uri.fsPath, {
      params: {
        file: uri.fsPath,
        outFile: result.outFile,
        steps: [],
        candidate: result.candidate,
        runtime: s.runtime,
        pruneRatio: 0.3,
        compareRuns,
      },
      outFile: result.outFile,
      comparison: result.comparison,
    });
  const rows = iterations(uri.fsPath).map(iterationRow);
  if (showReport && result.comparison)
    showComparison(extensionUri, result.comparison, result.steps, rows.length > 1 ? rows : []);
  void vscode.window.showInformationMessage(`${verdict}. Wrote ${path.basename(result.outFile)}.`);
  return result;
}
