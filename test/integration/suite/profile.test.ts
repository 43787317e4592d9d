/** Profile Model fills the Layer Costs tree with the model's real nodes, measured by onnxruntime. */
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { SuggestionDiagnostics } from '../../../src/extension/diagnostics';
import { problemEntries } from '../../../src/extension/views/adviceSuggestions';
import type { LayerCostElement } from '../../../src/extension/views/layerCostTree';
import type { LayerCostReport } from '../../../src/engine/report/layerCosts';
import { activeExtension, workspaceFile } from './helpers';

// Node names and op types of test/support/models.ts tinyCnn(), written into the workspace by the runner.
const CNN_NODES: Record<string, string> = {
  conv1: 'Conv',
  bn1: 'BatchNormalization',
  relu1: 'Relu',
  pool1: 'MaxPool',
  conv2: 'Conv',
  relu2: 'Relu',
  gap: 'GlobalAveragePool',
  flatten: 'Flatten',
  fc: 'Gemm',
};

describe('profile', () => {
  it('profiles the model and the Layer Costs tree lists its nodes with p50 > 0', async () => {
    const { api } = await activeExtension();
    const uri = workspaceFile('tiny-cnn.onnx');
    const report = (await vscode.commands.executeCommand('onnxTuner.profileModel', uri)) as LayerCostReport | undefined;
    assert.ok(report, 'the command returns the report');
    assert.strictEqual(api.store.get(uri), report, 'the store holds the new report');

    const elements = api.layerCostElements();
    const nodes = elements.filter((e): e is Extract<LayerCostElement, { kind: 'node' }> => e.kind === 'node');
    assert.ok(nodes.length >= 5, `tree shows ${nodes.length} nodes`);
    for (const { node } of nodes) {
      assert.ok(node.p50Us > 0, `${node.name}: p50 ${node.p50Us}`);
      // At level 'basic' ORT may fuse BN into the Conv; every row still names a node of the file.
      assert.strictEqual(node.op, CNN_NODES[node.name], `${node.name} is a ${CNN_NODES[node.name]} in the file`);
    }
    // Shares are of the summed p50s, so they add up to 1.
    const share = nodes.reduce((a, e) => a + e.node.share, 0);
    assert.ok(Math.abs(share - 1) < 1e-6, `shares sum to ${share}`);
    // Grouped by op type (the default): one group per op, whose p50 is the sum of its nodes'.
    const groups = elements.filter((e): e is Extract<LayerCostElement, { kind: 'group' }> => e.kind === 'group');
    const conv = groups.find((g) => g.label === 'Conv');
    assert.ok(conv, 'a Conv group');
    const convSum = nodes.filter((e) => e.node.op === 'Conv').reduce((a, e) => a + e.node.p50Us, 0);
    assert.ok(Math.abs(conv.p50Us - convSum) < 1e-9);
    // Tree items carry the reveal command for the node.
    const item = api.layerCosts.getTreeItem(nodes[0]!);
    assert.strictEqual(item.command?.command, 'onnxTuner.revealNode');
  });

  it('puts the suggestions in the Problems panel, with a quick fix where an optimize step acts on them', async () => {
    const { api } = await activeExtension();
    const uri = workspaceFile('tiny-cnn.onnx');
    const report = api.store.get(uri);
    assert.ok(report, 'profiled by the previous test');
    const diagnostics = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'ONNX Tuner');
    // Each suggestion once: its node entries where it has them, else the model-wide entry.
    const listed = problemEntries(report.suggestions);
    assert.strictEqual(diagnostics.length, listed.length);
    for (const s of report.suggestions)
      assert.ok(
        diagnostics.some((d) => d.message.includes(s.title)),
        `a diagnostic for '${s.title}'`,
      );
    // VS Code asks code-action providers only for documents it has a text model of, which a binary .onnx
    // never gets (vscode.executeCodeActionProvider answers 'Illegal argument'): call the provider directly,
    // with the real diagnostics plus one actionable and one informational suggestion (whether the tiny CNN
    // crosses the int8 suggestion's 30% bar depends on timing, so it is not relied on).
    const extra = [
      Object.assign(new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), 'a'), {
        source: 'ONNX Tuner',
        code: 'q:quantize-dynamic',
      }),
      Object.assign(new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), 'b'), {
        source: 'ONNX Tuner',
        code: 'coverage',
      }),
    ];
    const context: vscode.CodeActionContext = {
      diagnostics: [...diagnostics, ...extra],
      only: undefined,
      triggerKind: vscode.CodeActionTriggerKind.Invoke,
    };
    const actions = new SuggestionDiagnostics().provideCodeActions(
      { uri } as vscode.TextDocument,
      new vscode.Range(0, 0, 0, 0),
      context,
    );
    // One quick fix per distinct optimize step, each running Apply Suggestion on this model; advice
    // suggestions (their own configurations) get one each, naming the suggestion.
    const summary = actions.map((a) => [
      a.command?.command,
      a.command?.arguments?.[0]?.toString(),
      a.command?.arguments?.[1],
      a.command?.arguments?.[2],
    ]);
    assert.deepStrictEqual(
      summary.filter((a) => a[2] !== 'advice'),
      [['onnxTuner.applySuggestion', uri.toString(), 'quantize-dynamic', undefined]],
    );
    // Node entries carry a reveal link as their code, not a quick fix (the graph's Apply button is theirs).
    const adviceIds = [...new Set(listed.filter((s) => s.action === 'advice' && !s.node).map((s) => s.id))];
    assert.deepStrictEqual(
      summary
        .filter((a) => a[2] === 'advice')
        .map((a) => `${String(a[0])} ${String(a[1])} ${String(a[3])}`)
        .sort(),
      adviceIds.map((id) => `onnxTuner.applySuggestion ${uri.toString()} ${id}`).sort(),
    );
  });

  it('exports the profile as JSON (the report contract), Markdown and HTML', async () => {
    const { api } = await activeExtension();
    const uri = workspaceFile('tiny-cnn.onnx');
    const report = api.store.get(uri);
    assert.ok(report, 'profiled by the previous test');
    const target = (ext: string): vscode.Uri => workspaceFile(`report-export.${ext}`);
    await vscode.commands.executeCommand('onnxTuner.exportReport', uri, 'json', target('json'));
    const json = JSON.parse(fs.readFileSync(target('json').fsPath, 'utf8')) as {
      kind: string;
      nodes: { name: string }[];
    };
    assert.strictEqual(json.kind, 'profile');
    assert.strictEqual(json.nodes.length, report.nodes.length, 'one JSON node per Layer Costs row');
    await vscode.commands.executeCommand('onnxTuner.exportReport', uri, 'md', target('md'));
    const md = fs.readFileSync(target('md').fsPath, 'utf8');
    // One table row per node, plus the header row (the separator row is '| --- | ...').
    const tableRows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---'));
    assert.strictEqual(tableRows.length, report.nodes.length + 1, `${tableRows.length} Markdown table rows`);
    await vscode.commands.executeCommand('onnxTuner.exportReport', uri, 'html', target('html'));
    const html = fs.readFileSync(target('html').fsPath, 'utf8');
    assert.match(html, /^<!doctype html>/i);
    assert.doesNotMatch(html, /<script/i, 'self-contained, no scripts');
    for (const ext of ['json', 'md', 'html']) fs.rmSync(target(ext).fsPath);
  });
});
