/**
 * "Find Fewest Exclusions for Cosine ≥ X" (issue 18): the engine's greedy search (one node kept float per
 * round, chosen by measured sensitivity) in a job process under a cancellable progress notification. The
 * first round that reaches X is written as a new file and becomes the model's exclusion list and a row of its
 * iteration table; the report lists every round. Cancel stops the job and writes nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { optimizedFileName, outputSuffix } from '../../engine/transform/outputName';
import type { IterationRow } from '../../engine/report/iterationTable';
import type { ExclusionSearchJobResult, OptimizeParams } from '../jobs/jobProtocol';
import type { JobRunner } from '../jobs/jobRunner';
import { modelSettings } from '../inputs/modelInputs';
import { log } from '../log';
import { showComparison } from '../views/comparisonPanel';
import { withCancellableProgress } from './cancellableJob';
import { writeExclusions } from './exclusionList';
import { measuredRow, recordIteration } from './tuningLoop';

export interface FindExclusionsOptions {
  readonly targetCosine?: number;
  readonly maxExclusions?: number;
  readonly showReport?: boolean;
}

async function askTarget(): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title: 'Find the fewest nodes to keep in float',
    prompt: "Worst output's cosine to reach (dynamic int8 against the original)",
    value: '0.99',
    ignoreFocusOut: true,
    validateInput: (v) => (Number(v) > -1 && Number(v) <= 1 ? undefined : 'a cosine in (−1, 1], e.g. 0.98'),
  });
  return text === undefined ? undefined : Number(text);
}

export async function findExclusions(
  uri: vscode.Uri,
  jobs: JobRunner,
  extensionUri: vscode.Uri,
  options: FindExclusionsOptions = {},
): Promise<ExclusionSearchJobResult | undefined> {
  const targetCosine = options.targetCosine ?? (await askTarget());
  if (targetCosine === undefined) return undefined;
  const s = await modelSettings(uri);
  const outFile = optimizedFileName(uri.fsPath, s.outputNaming, outputSuffix({ quantize: 'dynamic' }), fs.existsSync);
  const maxExclusions = options.maxExclusions ?? 10;
  const compareRuns = Math.min(s.runs, 20);
  log().info(`find exclusions for ${uri.fsPath}: cosine ≥ ${targetCosine}, at most ${maxExclusions}`);
  const result = await withCancellableProgress(
    `Keeping the fewest nodes float for cosine ≥ ${targetCosine}`,
    (callbacks) =>
      jobs.run(
        'exclusionSearch',
        { file: uri.fsPath, outFile, mode: 'dynamic', targetCosine, maxExclusions, runtime: s.runtime, compareRuns },
        callbacks,
      ),
    () => fs.rmSync(outFile, { force: true }),
  );
  if (!result) return undefined;
  const rows: IterationRow[] = result.iterations.map((it) => measuredRow(it.keepFloat, it.comparison.b, it.comparison));
  const reached = result.reached === null ? undefined : result.iterations[result.reached];
  if (reached && result.outFile) {
    // The answer becomes the model's list, and a row "Re-quantize" can start from (the same preset).
    writeExclusions(uri.fsPath, reached.keepFloat);
    const params: OptimizeParams = {
      file: uri.fsPath,
      outFile: result.outFile,
      steps: ['quantize-dynamic'],
      keepFloat: reached.keepFloat,
      runtime: s.runtime,
      pruneRatio: 0.3,
      compareRuns,
    };
    recordIteration(uri.fsPath, { params, outFile: result.outFile, comparison: reached.comparison });
    void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(result.outFile));
  }
  const last = result.iterations.at(-1);
  const message = reached
    ? `Cosine ${rows[result.reached!]!.minCosine.toFixed(4)} ≥ ${targetCosine} with ${reached.keepFloat.length} node(s) kept float; wrote ${path.basename(result.outFile ?? '')}.`
    : `No list of up to ${maxExclusions} nodes reached cosine ${targetCosine} (best ${Math.max(...rows.map((r) => r.minCosine)).toFixed(4)}); nothing written.`;
  log().info(`find exclusions: ${message}`);
  if (reached) void vscode.window.showInformationMessage(message);
  else void vscode.window.showWarningMessage(message);
  const shown = reached ?? last;
  if (options.showReport !== false && shown) showComparison(extensionUri, shown.comparison, [], rows);
  return result;
}
