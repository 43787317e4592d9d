/**
 * Transformer-shaped compact graphs of any size for the webview tests and benchmark: `layers` blocks of 30 nodes
 * under `/encoder/layer.N/{attention,ffn}/...` scopes, with residual edges, like an exported BERT.
 */
import type { CompactEdge, CompactGraph, CompactNode } from '../../../src/protocol/webviewProtocol';

const ATTENTION = ['MatMul', 'Add', 'Reshape', 'Transpose', 'MatMul', 'Add', 'Reshape', 'Transpose', 'MatMul'];
const ATTENTION_TAIL = ['Div', 'Softmax', 'MatMul', 'Transpose', 'Reshape', 'MatMul', 'Add', 'Add'];
const FFN = [
  'LayerNormalization',
  'MatMul',
  'Add',
  'Div',
  'Erf',
  'Add',
  'Mul',
  'Mul',
  'MatMul',
  'Add',
  'Add',
  'LayerNormalization',
  'Identity',
];

export function syntheticGraph(targetNodes: number): CompactGraph {
  const nodes: CompactNode[] = [];
  const edges: CompactEdge[] = [];
  let tensorId = 0;
  const add = (scope: string[], op: string, inputs: string[]): string => {
    const out = `t${tensorId++}`;
    const id = nodes.length;
    nodes.push({ id, name: `/${[...scope, `${op}_${id}`].join('/')}`, op, inputs, outputs: [out], scope });
    return out;
  };
  const producer = (t: string): number => Number(t.slice(1));
  let x = 'input';
  for (let layer = 0; nodes.length < targetNodes; layer++) {
    const att = ['encoder', `layer.${layer}`, 'attention'];
    const residual = x;
    let cur = x;
    for (const op of ATTENTION) cur = add(att, op, [cur]);
    const k = cur;
    for (const op of ATTENTION_TAIL) cur = add(att, op, op === 'Add' ? [cur, residual] : [cur, k]);
    const ffn = ['encoder', `layer.${layer}`, 'ffn'];
    for (const op of FFN) cur = add(ffn, op, op === 'Add' ? [cur, residual] : [cur]);
    x = cur;
  }
  nodes.length = Math.min(nodes.length, targetNodes);
  for (const n of nodes)
    for (const t of n.inputs)
      if (t.startsWith('t') && producer(t) !== n.id && producer(t) < nodes.length)
        edges.push({ from: producer(t), to: n.id, tensor: t });
  return {
    name: `synthetic-${targetNodes}`,
    nodes,
    edges,
    inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 128, 768] }],
    outputs: [{ name: x }],
    tensors: {},
  };
}
