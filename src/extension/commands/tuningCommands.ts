/**
 * Click-to-exclude (issue 18): "Keep in Float" adds a node to the model's exclusion list (exclusionList.ts),
 * "Re-quantize" reruns the model's last optimize with the list and shows the iteration table, and "keep this
 * one" (a link in that table) keeps one iteration's file and list and removes the other iterations' files.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SNR_CAP_DB } from '../../engine/verify/outputMetrics';
import type { ErrorOverlay } from '../../protocol/webviewProtocol';
import type { JobRunner } from '../jobs/jobRunner';
import type { OptimizeResult } from '../jobs/jobProtocol';
import { log } from '../log';
import { addExclusion, exclusionListFile, readExclusionLists, type KeptPrecision } from './exclusionList';
import { optimizeModel } from './optimizeCommand';
import { iterations, keepIterationFiles, lastIteration, requantizeOptions } from './tuningLoop';

export const REQUANTIZE = 'Re-quantize';

/** Adds `nodes` to the float (or fp16) list of `model` and offers to re-quantize; returns that list. */
export async function keepInFloat(
  model: vscode.Uri,
  nodes: string | readonly string[],
  precision: KeptPrecision = 'float',
): Promise<string[]> {
  const added = typeof nodes === 'string' ? [nodes] : nodes;
  const names = addExclusion(model.fsPath, added, precision);
  const kept = precision === 'float' ? 'float' : 'fp16';
  const what = added.length === 1 ? added[0]! : `${added.length} nodes (${added.slice(0, 3).join(', ')}, …)`;
  log().info(
    `keep ${added.join(', ')} ${kept} in ${path.basename(model.fsPath)}: ${names.length} in ${exclusionListFile(model.fsPath)}`,
  );
  const offer = lastIteration(model.fsPath) ? [REQUANTIZE] : [];
  void vscode.window
    .showInformationMessage(
      `${what} will be kept in ${kept} (${names.length} node${names.length === 1 ? '' : 's'} kept ${kept} in ${path.basename(exclusionListFile(model.fsPath))}).`,
      ...offer,
    )
    .then((c) => c === REQUANTIZE && vscode.commands.executeCommand('onnxTuner.requantize', model));
  return names;
}

/**
 * The first `count` nodes of the error heat map (its order is `compare --localize`'s ranking: by default the
 * error each node adds) that the optimized model changed at all; nodes it left exact are no culprits.
 */
export function worstNodes(overlay: ErrorOverlay, count: number): string[] {
  return overlay.nodes
    .filter((n) => n.snrDb < SNR_CAP_DB)
    .slice(0, count)
    .map((n) => n.name);
}

/** The model's last optimize again, with its exclusion list: a new file and a new row of the table. */
export async function requantize(
  model: vscode.Uri,
  jobs: JobRunner,
  extensionUri: vscode.Uri,
): Promise<OptimizeResult | undefined> {
  const last = lastIteration(model.fsPath);
  if (!last) throw new Error(`optimize ${path.basename(model.fsPath)} first: Re-quantize reruns its last optimize`);
  const options = requantizeOptions(last, readExclusionLists(model.fsPath));
  log().info(`re-quantize ${path.basename(model.fsPath)}: ${options.label}`);
  const result = await optimizeModel(model, jobs, extensionUri, options);
  return result && 'bytes' in result ? result : undefined;
}

/** Keeps one iteration: its list becomes the model's, the other iterations' files are removed (asked first). */
export async function keepIteration(original: string, file: string): Promise<boolean> {
  const others = iterations(original)
    .map((it) => it.outFile)
    .filter((f) => f !== file);
  if (others.length) {
    const answer = await vscode.window.showWarningMessage(
      `Keep ${path.basename(file)} and delete the other ${others.length} iteration file(s)?`,
      { modal: true, detail: others.map((f) => path.basename(f)).join('\n') },
      'Keep and Delete Others',
    );
    if (!answer) return false;
  }
  const removed = keepIterationFiles(original, file);
  void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(file));
  log().info(`kept ${path.basename(file)}; removed ${removed.map((f) => path.basename(f)).join(', ') || 'nothing'}`);
  return true;
}
