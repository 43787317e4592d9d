/**
 * The click-to-exclude loop through the extension's commands (issue 18): optimize a model whose one layer
 * wrecks int8, keep that layer in float from the graph page's message, re-quantize with the list, and check
 * the worst cosine recovers, every iteration is a new file and the list is the file the CLI reads.
 */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { buildGraphView, type GraphView } from '../../../src/engine/graph/graphView';
import { readExclusionFile } from '../../../src/engine/optimize/exclusionFile';
import { readModel } from '../../../src/engine/onnx/readModel';
import { writeModel } from '../../../src/engine/onnx/writeModel';
import type {
  AutoOptimizeJobResult,
  ExclusionSearchJobResult,
  OptimizeResult,
} from '../../../src/extension/jobs/jobProtocol';
import { GraphSession } from '../../../src/extension/views/graphSession';
import { outlierMlp } from '../../support/models';
import { activeExtension, waitFor, workspaceFile } from './helpers';

const minCosine = (r: OptimizeResult | undefined): number =>
  r?.comparison?.outputs.reduce((m, o) => Math.min(m, o.cosine), 1) ?? NaN;

/** The host side of the model's graph page, ready, with a page that drops what it is sent. */
async function pageSession(uri: vscode.Uri): Promise<{ view: GraphView; session: GraphSession }> {
  const view = buildGraphView(readModel(uri.fsPath), {});
  const session = new GraphSession(
    { postMessage: () => Promise.resolve(true) } as unknown as vscode.Webview,
    uri,
    Promise.resolve(view),
    'latency',
    () => {},
  );
  await new Promise((r) => setTimeout(r, 0));
  session.receive({ type: 'ready' });
  return { view, session };
}

describe('click-to-exclude loop', () => {
  it('Keep in Float from the page, then Re-quantize: min cosine from < 0.5 to ≥ 0.99', async () => {
    await activeExtension();
    const uri = workspaceFile('outlier-mlp.onnx');
    writeModel(outlierMlp(5, 64, 2), uri.fsPath);
    const list = workspaceFile('outlier-mlp.onnx-tuner-exclude.json').fsPath;
    const first = (await vscode.commands.executeCommand('onnxTuner.optimizeModel', uri, {
      steps: ['quantize-dynamic'],
      showReport: false,
    })) as OptimizeResult | undefined;
    assert.ok(minCosine(first) < 0.5, `all int8: ${minCosine(first)}`);
    assert.ok(!fs.existsSync(list), 'no list until a node is kept float');

    // The page's "Keep in float" button on fc2 (the host checks the id and runs the command with the name).
    const { view, session } = await pageSession(uri);
    session.receive({ type: 'keepFloat', nodeId: view.graph.nodes.findIndex((n) => n.name === 'fc2') });
    await waitFor('the exclusion list', () => fs.existsSync(list));
    assert.deepStrictEqual(readExclusionFile(list).keepFloat, ['fc2']);

    const second = (await vscode.commands.executeCommand('onnxTuner.requantize', uri)) as OptimizeResult | undefined;
    assert.ok(second?.outFile && second.outFile !== first?.outFile, 'a new file per iteration');
    assert.ok(minCosine(second) >= 0.99, `fc2 float: ${minCosine(second)}`);
    assert.ok(second.comparison?.latency && second.comparison.latency.bMs > 0, 'the iteration is timed');
    const ops = (readModel(second.outFile).proto.graph?.node ?? []).map((n) => `${n.name}:${n.op_type}`);
    assert.ok(ops.includes('fc2:MatMul'), `fc2 stays a float MatMul: ${ops.join(', ')}`);
    session.dispose();
  });

  it('Find Fewest Nodes to Keep in Float: one round more than none, written and made the list', async () => {
    const uri = workspaceFile('outlier-mlp-search.onnx');
    writeModel(outlierMlp(5, 64, 2), uri.fsPath);
    const result = (await vscode.commands.executeCommand('onnxTuner.findExclusions', uri, {
      targetCosine: 0.99,
      showReport: false,
    })) as ExclusionSearchJobResult | undefined;
    assert.ok(result, 'the command returns the search');
    assert.deepStrictEqual(
      result.iterations.map((it) => it.keepFloat),
      [[], ['fc2']],
    );
    assert.strictEqual(result.reached, 1);
    assert.ok(result.outFile && fs.existsSync(result.outFile), 'the round that reached the target is written');
    const cosines = result.iterations.map((it) => Math.min(...it.comparison.outputs.map((o) => o.cosine)));
    assert.ok(cosines[0]! < 0.5 && cosines[1]! >= 0.99, cosines.join(' → '));
    assert.deepStrictEqual(
      readExclusionFile(workspaceFile('outlier-mlp-search.onnx-tuner-exclude.json').fsPath).keepFloat,
      ['fc2'],
    );
  });

  it('Re-quantize after Automatic reruns the kept candidate with the list; Keep in fp16 from the page', async () => {
    const uri = workspaceFile('plain-mlp.onnx');
    writeModel(outlierMlp(5, 64), uri.fsPath); // no outlier: dynamic int8 passes the gate
    const auto = (await vscode.commands.executeCommand('onnxTuner.optimizeModel', uri, {
      automatic: true,
      showReport: false,
    })) as AutoOptimizeJobResult | undefined;
    assert.ok(auto, 'the automatic optimize ran');
    assert.strictEqual(auto.candidate === null, auto.outFile === null, 'a written file names its candidate');

    const { view, session } = await pageSession(uri);
    session.receive({ type: 'keepFp16', nodeId: view.graph.nodes.findIndex((n) => n.name === 'fc3') });
    const list = workspaceFile('plain-mlp.onnx-tuner-exclude.json').fsPath;
    await waitFor('the exclusion list', () => fs.existsSync(list));
    assert.deepStrictEqual(readExclusionFile(list), { keepFloat: [], keepFp16: ['fc3'] });
    session.dispose();

    // Which candidate the automatic choice keeps is a timing; what Re-quantize then does follows from it.
    const again = (await vscode.commands.executeCommand('onnxTuner.requantize', uri)) as OptimizeResult | undefined;
    console.log(
      `      automatic kept ${auto.candidate?.name ?? 'nothing'}; re-quantize wrote ${again?.outFile ?? 'nothing'}`,
    );
    if (!auto.candidate?.quantize) {
      assert.strictEqual(again, undefined, 'nothing quantized to rerun: refused');
      return;
    }
    assert.ok(again?.outFile && again.outFile !== auto.outFile, 'a new file');
    assert.deepStrictEqual(
      again.steps.map((s) => s.name),
      ['simplify', `quantize:${auto.candidate.quantize}`],
      "the kept candidate's recipe",
    );
    const g = readModel(again.outFile).proto.graph!;
    const w = g.node!.find((n) => n.name === 'fc3')!.input![1]!;
    const cast = g.node!.find((n) => n.op_type === 'Cast' && n.output!.includes(w));
    assert.strictEqual(
      g.initializer!.find((t) => t.name === (cast ? cast.input![0] : w))?.data_type,
      10,
      'fc3 float16',
    );
  });
});
