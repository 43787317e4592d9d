/** Optimize writes a NEW quantized model next to the original and leaves the original byte-identical. */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AutoOptimizeJobResult, ComparisonSummary, OptimizeResult } from '../../../src/extension/jobs/jobProtocol';
import { readModel } from '../../../src/engine/onnx/readModel';
import { activeExtension, sha256, workspaceFile } from './helpers';

describe('optimize', () => {
  it("dynamic int8 writes <name>.int8.onnx with integer ops, by the CLI's rules; the original is unchanged", async () => {
    await activeExtension();
    const uri = workspaceFile('tiny-cnn.onnx');
    const before = sha256(uri.fsPath);
    const filesBefore = fs.readdirSync(path.dirname(uri.fsPath));
    const result = (await vscode.commands.executeCommand('onnxTuner.optimizeModel', uri, {
      steps: ['quantize-dynamic'],
      showReport: false,
    })) as OptimizeResult | undefined;
    assert.ok(result, 'the command returns its result');
    assert.strictEqual(result.outFile, path.join(path.dirname(uri.fsPath), 'tiny-cnn.int8.onnx'));
    assert.strictEqual(sha256(uri.fsPath), before, 'the original is byte-identical');
    // Re-read the new file independently. The same rules as the CLI's --quantize dynamic (one pipeline):
    // the Gemm became an integer MatMul; the Convs stay float (ConvInteger is slower than float on x86).
    const ops = (readModel(result.outFile).proto.graph?.node ?? []).map((n) => n.op_type);
    assert.ok(ops.includes('MatMulInteger'), `ops: ${ops.join(', ')}`);
    assert.ok(!ops.includes('Gemm'), 'no float Gemm left');
    assert.ok(ops.includes('Conv') && !ops.includes('ConvInteger'), `Convs stay float: ${ops.join(', ')}`);
    assert.ok(result.comparison, 'a comparison was made');
    assert.ok(result.comparison.outputs[0]!.cosine > 0.99, `cosine ${result.comparison.outputs[0]!.cosine}`);
    // Exactly one new file, no temp files left.
    const added = fs.readdirSync(path.dirname(uri.fsPath)).filter((f) => !filesBefore.includes(f));
    assert.deepStrictEqual(added, ['tiny-cnn.int8.onnx']);
  });

  it('a second run picks a new name instead of overwriting', async () => {
    const uri = workspaceFile('tiny-cnn.onnx');
    const first = workspaceFile('tiny-cnn.int8.onnx').fsPath;
    const firstHash = sha256(first);
    const result = (await vscode.commands.executeCommand('onnxTuner.optimizeModel', uri, {
      steps: ['quantize-dynamic'],
      showReport: false,
    })) as OptimizeResult | undefined;
    assert.strictEqual(result?.outFile, path.join(path.dirname(uri.fsPath), 'tiny-cnn.int8.2.onnx'));
    assert.strictEqual(sha256(first), firstHash, 'the earlier result is untouched');
  });

  it('Automatic (the wizard default): the engine measures every candidate; kept → one new file, else none', async () => {
    const uri = workspaceFile('tiny-cnn.onnx');
    const before = sha256(uri.fsPath);
    const filesBefore = fs.readdirSync(path.dirname(uri.fsPath));
    const result = (await vscode.commands.executeCommand('onnxTuner.optimizeModel', uri, {
      automatic: true,
      showReport: false,
    })) as AutoOptimizeJobResult | undefined;
    assert.ok(result, 'the command returns its result');
    // The decision depends on this machine's measurements; what must hold either way is checked.
    assert.match(result.verdictLines[0]!, /^verdict: /);
    assert.ok(result.verdictLines.length >= 2, 'one line per candidate after the verdict');
    assert.strictEqual(sha256(uri.fsPath), before, 'the original is byte-identical');
    const added = fs.readdirSync(path.dirname(uri.fsPath)).filter((f) => !filesBefore.includes(f));
    if (result.outFile) {
      assert.match(result.verdictLines[0]!, /— kept/);
      assert.deepStrictEqual(added, [path.basename(result.outFile)]);
      assert.match(path.basename(result.outFile), /^tiny-cnn\.(int8|qdq|fp16|int4|simplified)(\.\d+)?\.onnx$/);
      assert.ok((readModel(result.outFile).proto.graph?.node ?? []).length > 0, 'the written model re-parses');
      assert.ok(result.comparison && result.comparison.b === result.outFile, 'the comparison names the written file');
      fs.rmSync(result.outFile);
    } else {
      assert.match(result.verdictLines[0]!, /nothing improved the model .* no file written/);
      assert.deepStrictEqual(added, [], 'nothing written when nothing improved');
    }
  });

  it('Compare Two Models reports both files as they are on disk', async () => {
    const a = workspaceFile('tiny-cnn.onnx');
    const b = workspaceFile('tiny-cnn.int8.onnx');
    const summary = (await vscode.commands.executeCommand('onnxTuner.compareModels', a, b)) as
      ComparisonSummary | undefined;
    assert.ok(summary, 'the command returns the comparison');
    assert.strictEqual(summary.sizeA, fs.statSync(a.fsPath).size);
    assert.strictEqual(summary.sizeB, fs.statSync(b.fsPath).size);
    assert.strictEqual(summary.nodesA, readModel(a.fsPath).proto.graph?.node?.length);
    assert.strictEqual(summary.nodesB, readModel(b.fsPath).proto.graph?.node?.length);
    assert.deepStrictEqual(
      summary.outputs.map((o) => o.name),
      ['logits'],
    );
  });
});
