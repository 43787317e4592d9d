/**
 * The Init wire (src/protocol/graphWire.ts): the bytes decode to the graph as the page got it before as an
 * object (JSON's view of it), in whatever container the transport hands over, names in any script included.
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { buildGraphView } from '../../src/engine/graph/graphView';
import { decodeGraph, encodeGraph } from '../../src/protocol/graphWire';
import type { CompactGraph } from '../../src/protocol/webviewProtocol';
import { bertEncoder, ifModel, tinyCnn } from '../support/models';

const viaJson = (g: CompactGraph): CompactGraph => JSON.parse(JSON.stringify(g)) as CompactGraph;

function roundTrips(g: CompactGraph): void {
  const bytes = encodeGraph(g);
  assert.ok(bytes instanceof Uint8Array);
  assert.deepStrictEqual(decodeGraph(bytes), viaJson(g));
  // A view into a bigger buffer, a bare ArrayBuffer, and a plain array of bytes read the same.
  const shifted = new Uint8Array(bytes.length + 3);
  shifted.set(bytes, 3);
  assert.deepStrictEqual(decodeGraph(shifted.subarray(3)), viaJson(g));
  assert.deepStrictEqual(decodeGraph(bytes.slice().buffer), viaJson(g));
  assert.deepStrictEqual(decodeGraph(Array.from(bytes)), viaJson(g));
}

describe('graph wire (Init bytes)', () => {
  it('round-trips the graphs of built models: shapes, folded weights, attributes, If bodies', () => {
    for (const model of [tinyCnn(), bertEncoder(), ifModel()])
      roundTrips(buildGraphView({ proto: model, file: 'm.onnx', fileBytes: 0, externalBytes: 0 }, {}).graph);
  });

  it('keeps node and tensor names in any script, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 10 }), { minLength: 1, maxLength: 6 }), (names) => {
        const g: CompactGraph = {
          name: names[0]!,
          nodes: names.map((name, id) => ({ id, name, op: 'Relu', inputs: [name], outputs: [`${name}→`], scope: [] })),
          edges: [],
          inputs: [],
          outputs: [],
          tensors: Object.fromEntries(names.map((n) => [n, { name: n, dtype: 'float32', shape: [1, n] }])),
        };
        roundTrips(g);
        assert.deepStrictEqual(
          decodeGraph(encodeGraph(g)).nodes.map((n) => n.name),
          names,
        );
      }),
      { numRuns: 100 },
    );
  });
});
