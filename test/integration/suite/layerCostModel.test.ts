/**
 * The Layer Costs grouping and the output naming, checked against hand-computed expectations. (Plain logic,
 * but it runs with the suites so the extension's view code is exercised where it ships.)
 */
import * as assert from 'node:assert';
import * as path from 'node:path';
import type { ComparisonSummary } from '../../../src/extension/jobs/jobProtocol';
import { optimizedFileName } from '../../../src/engine/transform/outputName';
import { verdict } from '../../../src/extension/views/comparisonPanel';
import { allNodes, groupLayerCosts, scopeOf, type LayerCost } from '../../../src/engine/report/layerCosts';

const row = (name: string, op: string, p50Us: number, memoryBytes: number, flops: number): LayerCost => ({
  name,
  op,
  p50Us,
  share: p50Us / 100,
  memoryBytes,
  flops,
  paramBytes: 0,
});

// p50s add up to 100 µs, so each share is p50/100.
const ROWS = [
  row('/enc/layer.0/attn/MatMul', 'MatMul', 30, 400, 9000),
  row('/enc/layer.0/ffn/MatMul', 'MatMul', 40, 100, 16000),
  row('/enc/layer.1/attn/MatMul', 'MatMul', 20, 800, 1000),
  row('/enc/layer.1/Add', 'Add', 6, 50, 10),
  row('head', 'Gemm', 4, 10, 500),
];

describe('Layer Costs grouping', () => {
  it('splits name scopes like exporters write them', () => {
    assert.deepStrictEqual(scopeOf('/enc/layer.0/attn/MatMul'), ['enc', 'layer.0', 'attn']);
    assert.deepStrictEqual(scopeOf('head'), []);
  });

  it('groups by op type with summed p50, share, memory and FLOPs, sorted by the key', () => {
    const groups = groupLayerCosts(ROWS, 'op', 'latency');
    assert.deepStrictEqual(
      groups.map((g) => [g.label, g.p50Us, g.memoryBytes, g.flops]),
      [
        ['MatMul', 90, 1300, 26000],
        ['Add', 6, 50, 10],
        ['Gemm', 4, 10, 500],
      ],
    );
    assert.ok(Math.abs(groups[0]!.share - 0.9) < 1e-12);
    // Inside a group, nodes follow the same key: by memory the 800-byte MatMul comes first.
    const byMemory = groupLayerCosts(ROWS, 'op', 'memory');
    assert.deepStrictEqual(
      byMemory[0]!.nodes.map((n) => n.memoryBytes),
      [800, 400, 100],
    );
    assert.deepStrictEqual(
      groupLayerCosts(ROWS, 'op', 'flops').map((g) => g.label),
      ['MatMul', 'Gemm', 'Add'],
    );
  });

  it('groups by scope into a tree, merging single-child chains, unscoped nodes apart', () => {
    const groups = groupLayerCosts(ROWS, 'scope', 'latency');
    // 'enc' has one child scope per layer → stays; 'head' has no scope.
    assert.deepStrictEqual(
      groups.map((g) => g.label),
      ['enc', '(no scope)'],
    );
    const enc = groups[0]!;
    assert.strictEqual(enc.p50Us, 96);
    assert.deepStrictEqual(
      enc.groups.map((g) => [g.label, g.p50Us]),
      [
        ['layer.0', 70],
        ['layer.1', 26],
      ],
    );
    // layer.1 holds its Add directly and one child scope 'attn'.
    const layer1 = enc.groups[1]!;
    assert.deepStrictEqual(
      layer1.nodes.map((n) => n.op),
      ['Add'],
    );
    assert.deepStrictEqual(
      layer1.groups.map((g) => g.path),
      [['enc', 'layer.1', 'attn']],
    );
    // Every row appears exactly once in the tree.
    assert.strictEqual(groups.flatMap(allNodes).length, ROWS.length);
  });
});

describe('optimized file names', () => {
  const dir = path.join(path.sep, 'models');
  const orig = path.join(dir, 'net.onnx');

  it('follows the template next to the original', () => {
    assert.strictEqual(
      optimizedFileName(orig, '${name}.${suffix}.onnx', 'int8', () => false),
      path.join(dir, 'net.int8.onnx'),
    );
  });

  it('never reuses an existing name and never escapes the folder', () => {
    const taken = new Set([path.join(dir, 'net.int8.onnx'), path.join(dir, 'net.int8.2.onnx')]);
    assert.strictEqual(
      optimizedFileName(orig, '${name}.${suffix}.onnx', 'int8', (f) => taken.has(f)),
      path.join(dir, 'net.int8.3.onnx'),
    );
    assert.strictEqual(
      optimizedFileName(orig, '../${name}.onnx', 'int8', () => false),
      path.join(dir, 'net.int8.onnx'),
    );
    assert.strictEqual(
      optimizedFileName(orig, '${name}', 'int8', () => false),
      // '${name}' alone would be the original's own name: a number is added instead.
      path.join(dir, 'net.2.onnx'),
    );
  });
});

describe('comparison verdict', () => {
  const base: ComparisonSummary = {
    a: 'a.onnx',
    b: 'b.onnx',
    sizeA: 4000,
    sizeB: 1000,
    nodesA: 10,
    nodesB: 12,
    latency: { aMs: 10, bMs: 5, ratio: 0.5 },
    outputs: [{ name: 'y', maxAbsError: 1e-3, cosine: 0.9999 }],
    notes: [],
  };

  it('says a smaller, faster model with matching outputs is good, with the factors', () => {
    assert.deepStrictEqual(verdict(base), {
      level: 'good',
      text: '4.0× smaller, 2.00× faster; outputs match (worst cosine 0.9999).',
    });
  });

  it('warns when B is not faster, and flags outputs that changed a lot', () => {
    assert.strictEqual(verdict({ ...base, latency: { aMs: 10, bMs: 50, ratio: 5 } }).level, 'warn');
    const bad = verdict({ ...base, outputs: [...base.outputs, { name: 'z', maxAbsError: 0.1, cosine: 0.64 }] });
    assert.strictEqual(bad.level, 'bad');
    assert.match(bad.text, /worst cosine 0\.6400/);
  });
});
