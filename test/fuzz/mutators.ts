/**
 * Mutations for the fuzz suite: byte-level (bit flips, truncation, varint and length corruption, duplicated
 * byte runs) and structural ones on the decoded model (huge or negative dims, cycles, dangling inputs, wrong
 * dtypes, absurd attribute values, duplicated nodes, deeply nested subgraphs). Each takes a seeded RNG, so a
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
  structural('huge-constant-shape', (m) => {
    // A ConstantOfShape asked for 2^62 elements: analysis must not try to materialise it.
    m.graph?.node?.push({ op_type: 'ConstantOfShape', input: ['huge_shape'], output: ['huge_out'], name: 'huge' });
    m.graph?.initializer?.push({ name: 'huge_shape', dims: [2], data_type: 7, int64_data: [HUGE, HUGE] });
  }),
];
