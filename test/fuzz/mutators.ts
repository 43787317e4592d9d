/**
 * Mutations for the fuzz suite: byte-level (bit flips, truncation, varint and length corruption, duplicated
 * byte runs) and structural ones on the decoded model (huge or negative dims, cycles, dangling inputs, wrong
 * dtypes, absurd attribute values, duplicated nodes, deeply nested subgraphs, Slice steps of 0, Reshape to
 * 1e12 elements, control characters and Markdown in names, rewired inputs, external data references,
 * subgraphs on the wrong node). Each takes a seeded RNG, so a
 * failing case is reproduced from its seed alone.
 */
import { decodeMessage } from '../../src/engine/onnx/codec';
import { AttributeType, type GraphProto, type ModelProto, type NodeProto } from '../../src/engine/onnx/types';
import { modelToBuffer } from '../../src/engine/onnx/writeModel';

export type Rng = () => number;
export interface Mutator {
  readonly name: string;
  apply(original: Uint8Array, rnd: Rng): Uint8Array;
}

const pick = <T>(rnd: Rng, xs: readonly T[]): T | undefined => xs[Math.floor(rnd() * xs.length)];
const int = (rnd: Rng, n: number): number => Math.floor(rnd() * n);

function bytes(name: string, fn: (b: Uint8Array, rnd: Rng) => Uint8Array): Mutator {
  return { name, apply: (b, rnd) => fn(Uint8Array.from(b), rnd) };
}

/** A structural mutator: decode, change the model (decoded fresh, so mutation never leaks), re-encode. */
function structural(name: string, fn: (m: ModelProto, rnd: Rng) => void): Mutator {
  return {
    name,
    apply: (b, rnd) => {
      const m = decodeMessage('ModelProto', b) as ModelProto;
      fn(m, rnd);
      return modelToBuffer(m);
    },
  };
}

function allNodes(g: GraphProto | undefined, out: NodeProto[] = []): NodeProto[] {
  for (const n of g?.node ?? []) {
    out.push(n);
    for (const a of n.attribute ?? []) {
      if (a.g) allNodes(a.g, out);
      for (const sg of a.graphs ?? []) allNodes(sg, out);
    }
  }
  return out;
}

const HUGE = 2n ** 62n;

export const MUTATORS: readonly Mutator[] = [
  bytes('bit-flip', (b, rnd) => {
    for (let i = 1 + int(rnd, 8); i > 0; i--) {
      const p = int(rnd, b.length);
      b[p] = b[p]! ^ (1 << int(rnd, 8));
    }
    return b;
  }),
  bytes('truncate', (b, rnd) => b.subarray(0, int(rnd, b.length))),
  bytes('varint-corrupt', (b, rnd) => {
    const p = int(rnd, b.length);
    b.fill(0xff, p, Math.min(b.length, p + 1 + int(rnd, 12)));
    return b;
  }),
  bytes('length-corrupt', (b, rnd) => {
    // Overwrite a byte run with a huge length varint (0xFFFFFFFF0F = 2^36-ish): the field claims more bytes than exist.
    const p = int(rnd, Math.max(1, b.length - 5));
    b.set([0xff, 0xff, 0xff, 0xff, 0x0f], p);
    return b;
  }),
  bytes('duplicate-run', (b, rnd) => {
    const a = int(rnd, b.length);
    const e = Math.min(b.length, a + 1 + int(rnd, 64));
    const out = new Uint8Array(b.length + (e - a));
    out.set(b.subarray(0, e));
    out.set(b.subarray(a, e), e);
    out.set(b.subarray(e), e + (e - a));
    return out;
  }),
  structural('huge-dims', (m, rnd) => {
    const t = pick(rnd, m.graph?.initializer ?? []);
    if (t?.dims?.length) t.dims[int(rnd, t.dims.length)] = HUGE;
    const inp = pick(rnd, m.graph?.input ?? []);
    const dim = inp?.type?.tensor_type?.shape?.dim;
    if (dim?.length) dim[int(rnd, dim.length)] = { dim_value: HUGE };
  }),
  structural('negative-dims', (m, rnd) => {
    const t = pick(rnd, m.graph?.initializer ?? []);
    if (t?.dims?.length) t.dims[int(rnd, t.dims.length)] = -1 - int(rnd, 100);
  }),
  structural('cycle', (m, rnd) => {
    const nodes = m.graph?.node ?? [];
    if (nodes.length < 2) return;
    const i = int(rnd, nodes.length - 1);
    const later = nodes[i + 1 + int(rnd, nodes.length - i - 1)]!;
    const n = nodes[i]!;
    if (n.input?.length && later.output?.[0]) n.input[int(rnd, n.input.length)] = later.output[0];
  }),
  structural('dangling-input', (m, rnd) => {
    const n = pick(rnd, allNodes(m.graph));
    if (n?.input?.length) n.input[int(rnd, n.input.length)] = 'does_not_exist';
  }),
  structural('duplicate-node', (m, rnd) => {
    const nodes = m.graph?.node ?? [];
    const n = pick(rnd, nodes);
    if (n) nodes.splice(int(rnd, nodes.length), 0, { ...n });
  }),
  structural('wrong-dtype', (m, rnd) => {
    const t = pick(rnd, m.graph?.initializer ?? []);
    if (t) t.data_type = int(rnd, 40);
    const inp = pick(rnd, m.graph?.input ?? []);
    if (inp?.type?.tensor_type) inp.type.tensor_type.elem_type = int(rnd, 40);
  }),
  structural('absurd-attribute', (m, rnd) => {
    const n = pick(
      rnd,
      allNodes(m.graph).filter((x) => x.attribute?.length),
    );
    const a = n && pick(rnd, n.attribute!);
    if (!a) return;
    const choice = int(rnd, 5);
    if (choice === 0) Object.assign(a, { type: AttributeType.INT, i: HUGE });
    else if (choice === 1) Object.assign(a, { type: AttributeType.INT, i: -HUGE });
    else if (choice === 2) Object.assign(a, { type: AttributeType.FLOAT, f: Number.NaN });
    else if (choice === 3)
      Object.assign(a, { type: AttributeType.INTS, ints: Array.from({ length: 10_000 }, () => -7) });
    else Object.assign(a, { type: AttributeType.INTS, ints: [0, 0, 0] });
  }),
  structural('deep-nesting', (m, rnd) => {
    // Wrap the graph in many nested If nodes (one nested branch each, so the file grows linearly); the
    // decoder must refuse past its depth limit, not overflow the stack.
    let g: GraphProto = m.graph ?? {};
    for (let d = 20 + int(rnd, 200); d > 0; d--) {
      g = {
        name: `nest${d}`,
        node: [
          {
            op_type: 'If',
            input: ['cond'],
            output: ['y'],
            attribute: [
              { name: 'then_branch', type: AttributeType.GRAPH, g },
              { name: 'else_branch', type: AttributeType.GRAPH, g: { name: 'leaf' } },
            ],
          },
        ],
        output: [{ name: 'y' }],
      };
    }
    m.graph = g;
  }),
  structural('slice-step-zero', (m, rnd) => {
    // Shape(input) → Slice with constant steps 0 (once an endless loop in shape inference).
    const x = pick(rnd, m.graph?.input ?? [])?.name;
    if (!x || !m.graph) return;
    m.graph.node = [...(m.graph.node ?? []), { op_type: 'Shape', input: [x], output: ['fz_shape'] }];
    m.graph.node.push({ op_type: 'Slice', input: ['fz_shape', 'fz_s', 'fz_e', 'fz_a', 'fz_st'], output: ['fz_sl'] });
    const step = pick(rnd, [0n, 0n, -1n, HUGE])!;
    for (const [name, v] of [
      ['fz_s', 0n],
      ['fz_e', 3n],
      ['fz_a', 0n],
      ['fz_st', step],
    ] as const)
      (m.graph.initializer ??= []).push({ name, dims: [1], data_type: 7, int64_data: [v] });
    m.graph.output = [...(m.graph.output ?? []), { name: 'fz_sl' }];
  }),
  structural('huge-reshape-slice', (m, rnd) => {
    // A small constant reshaped to a declared 1e12 (or 2^62) elements, then sliced end to end.
    if (!m.graph) return;
    const big = rnd() < 0.5 ? 10n ** 12n : HUGE;
    (m.graph.initializer ??= []).push(
      { name: 'fz_c', dims: [3], data_type: 7, int64_data: [1n, 2n, 3n] },
      { name: 'fz_t', dims: [1], data_type: 7, int64_data: [big] },
      { name: 'fz_0', dims: [1], data_type: 7, int64_data: [0n] },
    );
    (m.graph.node ??= []).push(
      { op_type: 'Reshape', input: ['fz_c', 'fz_t'], output: ['fz_big'] },
      { op_type: 'Slice', input: ['fz_big', 'fz_0', 'fz_t'], output: ['fz_out'] },
    );
  }),
  structural('control-names', (m, rnd) => {
    // Terminal control sequences and Markdown in names: output must stay inert (checked by the case).
    const evil = pick(rnd, [
      '\u001b[2J\u001b[H',
      '\u001b]52;c;cm0gLXJmIH4=\u0007',
      '\rFAKE\n',
      '\u009b31m',
      '` ![b](https://evil.example/x.png) `',
    ])!;
    m.producer_name = `p${evil}`;
    const n = pick(rnd, allNodes(m.graph));
    if (n) n.name = `${n.name ?? ''}${evil}`;
    if (n?.op_type && rnd() < 0.3) n.op_type = `${n.op_type}${evil}`;
  }),
  structural('rewire', (m, rnd) => {
    // Point a node input at another value of the graph (type and shape mismatches, self-loops).
    const nodes = allNodes(m.graph);
    const a = pick(rnd, nodes);
    const b = pick(rnd, nodes);
    if (a?.input?.length && b?.output?.length) a.input[int(rnd, a.input.length)] = b.output[int(rnd, b.output.length)]!;
  }),
  structural('external-ref', (m, rnd) => {
    // An initializer moved to external data that is missing, outside the folder, absolute, or out of range.
    const t = pick(rnd, m.graph?.initializer ?? []);
    if (!t) return;
    const location = pick(rnd, ['missing.bin', '../outside.bin', '/etc/passwd', 'a\u0000b', '.', ''])!;
    t.raw_data = undefined;
    t.float_data = undefined;
    t.data_location = 1;
    t.external_data = [
      { key: 'location', value: location },
      { key: 'offset', value: pick(rnd, ['0', '-5', '99999999999999', 'x'])! },
    ];
  }),
  structural('subgraph-swap', (m, rnd) => {
    // Move a subgraph attribute onto a node that takes none (an Add holding a then_branch).
    const withSub = allNodes(m.graph).filter((n) => n.attribute?.some((a) => a.g));
    const src = pick(rnd, withSub);
    // dst from the main graph only: no subgraph contains it, so the move cannot make a cycle.
    const dst = pick(rnd, m.graph?.node ?? []);
    const g = src?.attribute?.find((a) => a.g);
    if (g && dst) dst.attribute = [...(dst.attribute ?? []), { ...g }];
    else if (dst) {
      // A body made of a few of the graph's own nodes (a snapshot: a self-reference would not encode).
      const body: GraphProto = { name: 'fz_body', node: (m.graph?.node ?? []).slice(0, 3).map((n) => ({ ...n })) };
      dst.attribute = [...(dst.attribute ?? []), { name: 'body', type: AttributeType.GRAPH, g: body }];
    }
  }),
  structural('huge-constant-shape', (m) => {
    // A ConstantOfShape asked for 2^62 elements: analysis must not try to materialise it.
    m.graph?.node?.push({ op_type: 'ConstantOfShape', input: ['huge_shape'], output: ['huge_out'], name: 'huge' });
    m.graph?.initializer?.push({ name: 'huge_shape', dims: [2], data_type: 7, int64_data: [HUGE, HUGE] });
  }),
];
