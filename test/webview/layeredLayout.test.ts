import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { layeredLayout } from '../../webview/layout/layeredLayout';
import { syntheticGraph } from './support/syntheticGraph';

const H = 32;

/** Checks, independently of the layout code: edges point down, and units in one row never overlap. */
function checkLayout(n: number, edges: number[], widths: number[]): void {
  const r = layeredLayout({ widths: Float64Array.from(widths), edges: Int32Array.from(edges), nodeHeight: H });
  for (let i = 0; i < edges.length; i += 2)
    assert.ok(r.y[edges[i + 1]!]! > r.y[edges[i]!]!, `edge ${edges[i]}→${edges[i + 1]} not downward`);
  const rows = new Map<number, number[]>();
  for (let u = 0; u < n; u++) rows.set(r.y[u]!, [...(rows.get(r.y[u]!) ?? []), u]);
  for (const row of rows.values()) {
    row.sort((a, b) => r.x[a]! - r.x[b]!);
    for (let i = 1; i < row.length; i++) {
      const [a, b] = [row[i - 1]!, row[i]!];
      assert.ok(r.x[b]! - r.x[a]! >= (widths[a]! + widths[b]!) / 2 - 1e-6, `units ${a} and ${b} overlap`);
    }
  }
  for (let u = 0; u < n; u++) {
    assert.ok(r.x[u]! - widths[u]! / 2 >= -1e-6 && r.x[u]! + widths[u]! / 2 <= r.width + 1e-6);
    assert.ok(r.y[u]! + H / 2 <= r.height);
  }
}

describe('layered layout', () => {
  it('lays out random DAGs with downward edges and no overlaps', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 60 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 150 }),
              fc.array(fc.integer({ min: 20, max: 200 }), { minLength: n, maxLength: n }),
            ),
          ),
        ([n, pairs, widths]) => {
          // Orient every pair from lower to higher index: a DAG.
          const edges = pairs.filter(([a, b]) => a !== b).flatMap(([a, b]) => [Math.min(a, b), Math.max(a, b)]);
          checkLayout(n, edges, widths);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('gives boxes of different heights (rows of weights) room: an edge always leaves the bottom above the top it enters', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 40 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 100 }),
              fc.array(fc.integer({ min: 32, max: 160 }), { minLength: n, maxLength: n }),
            ),
          ),
        ([n, pairs, heights]) => {
          const edges = pairs.filter(([a, b]) => a !== b).flatMap(([a, b]) => [Math.min(a, b), Math.max(a, b)]);
          const h = Float64Array.from(heights);
          const r = layeredLayout({
            widths: new Float64Array(n).fill(80),
            heights: h,
            edges: Int32Array.from(edges),
            nodeHeight: H,
          });
          for (let i = 0; i < edges.length; i += 2) {
            const [a, b] = [edges[i]!, edges[i + 1]!];
            assert.ok(r.y[a]! + h[a]! / 2 < r.y[b]! - h[b]! / 2, `edge ${a}→${b}: boxes touch`);
          }
          for (let u = 0; u < n; u++) assert.ok(r.y[u]! - h[u]! / 2 >= 0 && r.y[u]! + h[u]! / 2 <= r.height);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('terminates on cycles (collapsed groups can create them) and places every unit', () => {
    const r = layeredLayout({
      widths: Float64Array.from([50, 50, 50]),
      edges: Int32Array.from([0, 1, 1, 2, 2, 0]),
      nodeHeight: H,
    });
    for (let u = 0; u < 3; u++) assert.ok(Number.isFinite(r.x[u]!) && Number.isFinite(r.y[u]!));
  });

  it('lays out a 30k-node graph as a DAG', () => {
    const g = syntheticGraph(30_000);
    checkLayout(
      g.nodes.length,
      g.edges.flatMap((e) => [e.from, e.to]),
      g.nodes.map(() => 80),
    );
  });
});
