/**
 * What a node box says below its op type, Netron-style: its key attributes (`kernel 3×3`, `perm 0,2,1,3`) and
 * its folded weights and constants as named rows with shapes (`W ⟨24×96×3×3⟩`), and the box size that fits them.
 * Groups and nodes without either stay one-line boxes.
 */
import type { CompactGraph, TensorInfo } from '../../src/protocol/webviewProtocol';
import type { Unit } from './visibleGraph';

export const HEADER_HEIGHT = 24;
export const ROW_HEIGHT = 15;
/** Rows beyond this are summarised in one "+N more" row, so an op with many inputs stays a box, not a column. */
const MAX_ROWS = 8;
const MIN_WIDTH = 70;
const MAX_WIDTH = 240;
const CHAR_WIDTH = 6.6;

/** Shorter names for the attributes boxes show most; the properties pane keeps the spec names. */
const SHORT: Readonly<Record<string, string>> = {
  kernel_shape: 'kernel',
  strides: 'stride',
  dilations: 'dilation',
  keepdims: 'keep',
  coordinate_transformation_mode: 'coord',
};

/** `⟨24×96×3×3⟩`; symbolic dims by name; `⟨scalar⟩` for rank 0; dtype after the shape when it is not float32. */
export function shapeText(info: TensorInfo | undefined): string {
  if (!info?.shape) return info?.dtype ? `⟨${info.dtype}⟩` : '';
  if (info.shape.length === 0) return `⟨scalar⟩${info.dtype && info.dtype !== 'float32' ? ` ${info.dtype}` : ''}`;
  const dims = info.shape.map((d) => (d === null ? '?' : String(d))).join('×');
  return `⟨${dims}⟩${info.dtype && info.dtype !== 'float32' ? ` ${info.dtype}` : ''}`;
}

export interface RowText {
  readonly text: string;
  readonly kind: 'attr' | 'weight';
}

/** The rows of one unit's box: nothing for groups. */
export function nodeRows(graph: CompactGraph, unit: Unit): RowText[] {
  if (unit.nodeId < 0) return [];
  const node = graph.nodes[unit.nodeId]!;
  const rows: RowText[] = [];
  for (const a of node.attrs ?? []) rows.push({ text: `${SHORT[a.name] ?? a.name} ${a.value}`, kind: 'attr' });
  for (const w of node.weights ?? [])
    rows.push({ text: `${w.slot} ${shapeText(graph.tensors[w.tensor])}`.trimEnd(), kind: 'weight' });
  if (rows.length <= MAX_ROWS) return rows;
  return [...rows.slice(0, MAX_ROWS - 1), { text: `+${rows.length - MAX_ROWS + 1} more`, kind: 'weight' }];
}

/** The one-line label: the op type for a node, `▸ scope (N)` for a collapsed group. */
export function unitTitle(unit: Unit): string {
  return unit.nodeId < 0 ? `▸ ${unit.label} (${unit.members.length})` : unit.label;
}

/** Box widths and heights for every unit, and the rows drawn in each; `extraRows` (the diff's notes) go first. */
export function boxSizes(
  graph: CompactGraph,
  units: readonly Unit[],
  extraRows?: readonly (readonly RowText[])[],
): { widths: Float64Array; heights: Float64Array; rows: RowText[][] } {
  const widths = new Float64Array(units.length);
  const heights = new Float64Array(units.length);
  const rows: RowText[][] = [];
  units.forEach((u, i) => {
    const r = [...(extraRows?.[i] ?? []), ...nodeRows(graph, u)];
    rows.push(r);
    let chars = unitTitle(u).length;
    for (const row of r) chars = Math.max(chars, row.text.length);
    widths[i] = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, chars * CHAR_WIDTH + 20));
    heights[i] = r.length ? HEADER_HEIGHT + r.length * ROW_HEIGHT + 4 : HEADER_HEIGHT + 8;
  });
  return { widths, heights, rows };
}
