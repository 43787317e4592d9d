/**
 * The properties pane for the selected node. Everything from the model is set through textContent, never
 * innerHTML: node and tensor names are attacker-controlled strings in a downloaded model.
 */
import { formatBytes, formatMs, formatQuantity } from '../../src/protocol/units';
import type { CompactGraph, ErrorOverlayNode, NodeDetails, TensorInfo } from '../../src/protocol/webviewProtocol';

/** The latest profile's figures for the node (they win over details fetched before that profile). */
export interface Measured {
  readonly latencyMs?: number;
  readonly memoryBytes?: number;
  /** The optimized model's error on this node (issue 18's error heat map): the error it adds, or its output's. */
  readonly error?: ErrorOverlayNode;
  /** This node's p50 in the original and in the optimized model, both profiled (the latency delta metric). */
  readonly latencyDelta?: { readonly aMs: number; readonly bMs: number };
}

/** "Keep in float" / "Keep in fp16" for the shown node (the host adds it to the model's exclusion list). */
export type KeepFloat = (nodeId: number, precision: 'float' | 'fp16') => void;

function el(tag: string, text?: string, cls?: string): HTMLElement {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function tensorText(t: TensorInfo, graph: CompactGraph): string {
  const info = graph.tensors[t.name] ?? t;
  const shape = info.shape ? `[${info.shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]` : '';
  return `${t.name}${info.dtype ? `  ${info.dtype}` : ''}${shape ? ` ${shape}` : ''}`;
}

function row(dl: HTMLElement, key: string, value: string): void {
  dl.append(el('dt', key), el('dd', value));
}

/** Suggestions for the shown node, and how to apply them (the host runs the pre-filled optimize action). */
export interface NodeSuggestions {
  readonly titles: readonly string[];
  readonly apply: (nodeId: number) => void;
}

export function showNode(
  pane: HTMLElement,
  graph: CompactGraph,
  nodeId: number,
  details: NodeDetails | undefined,
  suggestions?: NodeSuggestions,
  measured?: Measured,
  keepFloat?: KeepFloat,
): void {
  const node = graph.nodes[nodeId];
  pane.replaceChildren();
  if (!node) return;
  pane.append(el('h2', node.op, 'op'), el('div', node.name, 'node-name'));
  const dl = el('dl');
  if (node.domain) row(dl, 'domain', node.domain);
  if (node.scope.length) row(dl, 'scope', node.scope.join(' / '));
  // One unit policy (src/protocol/units.ts): the same figures read the same here as in Layer Costs.
  if (details?.flops !== undefined) row(dl, 'compute', formatQuantity(details.flops, 'FLOPs'));
  if (details?.params !== undefined) row(dl, 'weights', formatBytes(details.params));
  const latencyMs = measured?.latencyMs ?? details?.latencyMs;
  const memoryBytes = measured?.memoryBytes ?? details?.memoryBytes;
  if (latencyMs !== undefined) row(dl, 'latency p50', formatMs(latencyMs * 1000));
  if (memoryBytes !== undefined) row(dl, 'memory', formatBytes(memoryBytes));
  const err = measured?.error;
  const errorText = (e: { snrDb: number; cosine: number }): string =>
    `cosine ${e.cosine.toFixed(4)}, SNR ${e.snrDb.toFixed(1)} dB`;
  if (err) row(dl, err.output ? 'error added' : 'error', errorText(err));
  if (err?.output) row(dl, 'error at output', errorText(err.output));
  if (measured?.latencyDelta) {
    const { aMs, bMs } = measured.latencyDelta;
    const sign = bMs >= aMs ? '+' : '−';
    row(
      dl,
      'latency Δ',
      `${sign}${formatMs(Math.abs(bMs - aMs) * 1000)} (${formatMs(aMs * 1000)} → ${formatMs(bMs * 1000)})`,
    );
  }
  pane.append(dl);
  if (keepFloat && !node.subgraph && !node.folded) {
    const keep = el('button', 'Keep in float', 'keep-float') as HTMLButtonElement;
    keep.type = 'button';
    keep.title = "Add this node to the model's exclusion list; Re-quantize then keeps it in float";
    keep.addEventListener('click', () => keepFloat(nodeId, 'float'));
    const half = el('button', 'Keep in fp16', 'keep-fp16') as HTMLButtonElement;
    half.type = 'button';
    half.title = 'Run this node in float16 instead of int8 (float16 weights); Re-quantize then does so';
    half.addEventListener('click', () => keepFloat(nodeId, 'fp16'));
    pane.append(keep, half);
  }
  const list = (title: string, tensors: readonly TensorInfo[]): void => {
    pane.append(el('h3', title));
    const ul = el('ul');
    for (const t of tensors) ul.append(el('li', tensorText(t, graph)));
    pane.append(ul);
  };
  if (suggestions?.titles.length) {
    pane.append(el('h3', 'Suggestions'));
    const ul = el('ul', undefined, 'suggestions');
    for (const title of suggestions.titles) ul.append(el('li', title));
    const apply = el('button', 'Apply suggestion…', 'apply-suggestion') as HTMLButtonElement;
    apply.type = 'button';
    apply.addEventListener('click', () => suggestions.apply(nodeId));
    pane.append(ul, apply);
  }
  list('Inputs', details?.inputs ?? node.inputs.filter(Boolean).map((name) => ({ name })));
  list('Outputs', details?.outputs ?? node.outputs.filter(Boolean).map((name) => ({ name })));
  if (details?.attributes.length) {
    pane.append(el('h3', 'Attributes'));
    const attrs = el('dl');
    for (const a of details.attributes) row(attrs, a.name, a.value);
    pane.append(attrs);
  }
}

export function showGroup(pane: HTMLElement, key: string, members: number): void {
  pane.replaceChildren(
    el('h2', 'Group', 'op'),
    el('div', key, 'node-name'),
    el('p', `${members} nodes. Press Enter or double-click to expand.`),
  );
}
