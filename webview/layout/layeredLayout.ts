/**
 * A fast layered (Sugiyama-style) layout for big graphs: longest-path layering, barycentric ordering sweeps,
 * then x placement at each node's parents' mean with overlaps pushed apart. Linear-ish in nodes + edges, so a
 * 30k-node graph lays out in well under a second, where a full ELK layered run takes many seconds. No dummy
 * nodes for long edges: edges are drawn as curves and may cross nodes, the price of speed.
 */

export interface LayoutInput {
  /** Width of each unit (height is uniform). */
  readonly widths: Float64Array;
  /** Edges as pairs [from0, to0, from1, to1, ...] over unit indices. */
  readonly edges: Int32Array;
  readonly nodeHeight: number;
  /** Height of each unit where boxes differ (rows of weights and attributes); `nodeHeight` for all otherwise. */
  readonly heights?: Float64Array;
}

export interface LayoutResult {
  /** Centre x and y of each unit. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly layer: Int32Array;
  readonly width: number;
  readonly height: number;
}

const GAP_X = 24;
const GAP_Y = 36;
const SWEEPS = 4;
const PLACEMENT_SWEEPS = 6;

/** Adjacency in CSR form: for unit u, neighbours are list[start[u] .. start[u+1]). */
function csr(n: number, edges: Int32Array, reverse: boolean): { start: Int32Array; list: Int32Array } {
  const start = new Int32Array(n + 1);
  for (let i = 0; i < edges.length; i += 2) start[(reverse ? edges[i + 1] : edges[i])! + 1]!++;
  for (let u = 0; u < n; u++) start[u + 1]! += start[u]!;
  const fill = start.slice(0, n);
  const list = new Int32Array(edges.length / 2);
  for (let i = 0; i < edges.length; i += 2) {
    const a = reverse ? edges[i + 1]! : edges[i]!;
    list[fill[a]!++] = reverse ? edges[i]! : edges[i + 1]!;
  }
  return { start, list };
}

/**
 * Longest-path layers in topological order. Collapsed groups can create cycles; when no unit is free, the
 * lowest-indexed remaining one is taken and its unplaced in-edges ignored (they are drawn as back edges).
 */
function assignLayers(n: number, succ: ReturnType<typeof csr>, pred: ReturnType<typeof csr>): Int32Array {
  const indeg = new Int32Array(n);
  for (let u = 0; u < n; u++) indeg[u] = pred.start[u + 1]! - pred.start[u]!;
  const layer = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let u = 0; u < n; u++) if (indeg[u] === 0) queue[tail++] = u;
  let nextForced = 0;
  while (tail < n || head < tail) {
    if (head === tail) {
      while (layer[nextForced] !== -1 || indeg[nextForced]! < 0) nextForced++;
      indeg[nextForced] = 0;
      queue[tail++] = nextForced;
    }
    const u = queue[head++]!;
    let l = 0;
    for (let k = pred.start[u]!; k < pred.start[u + 1]!; k++) {
      const p = pred.list[k]!;
      if (layer[p]! >= 0) l = Math.max(l, layer[p]! + 1);
    }
    layer[u] = l;
    indeg[u] = -1;
    for (let k = succ.start[u]!; k < succ.start[u + 1]!; k++) {
      const s = succ.list[k]!;
      if (indeg[s]! > 0 && --indeg[s]! === 0) queue[tail++] = s;
    }
  }
  return layer;
}

/**
 * Places one row's units, in their order, as close as possible (least squares) to `want` without overlaps.
 * With offsets o_i = the packed distance from the first unit, z_i = x_i - o_i must be non-decreasing, so the
 * best z is the isotonic regression of want_i - o_i: pool-adjacent-violators, linear time. The row is
 * order[from .. to), `want` its targets in that order; `scratch` holds at least the row's length in each array
 * (no allocation per row: the worker runs this once, cold, over up to 100k rows).
 */
function placeRow(
  order: Int32Array,
  from: number,
  to: number,
  want: Float64Array,
  widths: Float64Array,
  x: Float64Array,
  scratch: { offset: Float64Array; blockMean: Float64Array; blockSize: Int32Array },
): void {
  const m = to - from;
  if (m === 1) {
    x[order[from]!] = want[0]!;
    return;
  }
  const { offset, blockMean, blockSize } = scratch;
  offset[0] = 0;
  for (let i = 1; i < m; i++)
    offset[i] = offset[i - 1]! + (widths[order[from + i - 1]!]! + widths[order[from + i]!]!) / 2 + GAP_X;
  let blocks = 0;
  for (let i = 0; i < m; i++) {
    let mean = want[i]! - offset[i]!;
    let size = 1;
    while (blocks > 0 && blockMean[blocks - 1]! > mean) {
      blocks--;
      const pm = blockMean[blocks]!;
      const ps = blockSize[blocks]!;
      mean = (pm * ps + mean * size) / (ps + size);
      size += ps;
    }
    blockMean[blocks] = mean;
    blockSize[blocks] = size;
    blocks++;
  }
  let i = 0;
  for (let b = 0; b < blocks; b++) {
    const mean = blockMean[b]!;
    for (let k = 0; k < blockSize[b]!; k++, i++) x[order[from + i]!] = mean + offset[i]!;
  }
}

export function layeredLayout(input: LayoutInput): LayoutResult {
  const n = input.widths.length;
  const succ = csr(n, input.edges, false);
  const pred = csr(n, input.edges, true);
  const layer = assignLayers(n, succ, pred);
  // Sources (graph inputs, Constant and shape nodes) sit just above their first consumer, not all in row 0.
  for (let u = 0; u < n; u++) {
    if (pred.start[u + 1]! > pred.start[u]! || succ.start[u + 1] === succ.start[u]) continue;
    let first = Infinity;
    for (let k = succ.start[u]!; k < succ.start[u + 1]!; k++) first = Math.min(first, layer[succ.list[k]!]!);
    layer[u] = Math.max(0, first - 1);
  }
  let layers = 0;
  for (let u = 0; u < n; u++) layers = Math.max(layers, layer[u]! + 1);

  // Units per layer, initially in index (= model) order: row l is order[rowStart[l] .. rowStart[l+1]).
  const rowStart = new Int32Array(layers + 1);
  for (let u = 0; u < n; u++) rowStart[layer[u]! + 1]!++;
  for (let l = 0; l < layers; l++) rowStart[l + 1]! += rowStart[l]!;
  const order = new Int32Array(n);
  const fill = rowStart.slice(0, layers);
  for (let u = 0; u < n; u++) order[fill[layer[u]!]!++] = u;
  // pos[u]: the unit's index in its row.
  const pos = new Float64Array(n);
  for (let l = 0; l < layers; l++)
    for (let i = rowStart[l]!; i < rowStart[l + 1]!; i++) pos[order[i]!] = i - rowStart[l]!;

  const key = new Float64Array(n);
  for (let s = 0; s < SWEEPS; s++) {
    const down = s % 2 === 0;
    const adj = down ? pred : succ;
    for (let i = 0; i < layers; i++) {
      const l = down ? i : layers - 1 - i;
      if (rowStart[l + 1]! - rowStart[l]! < 2) continue; // a single unit has nowhere to move
      const row = order.subarray(rowStart[l]!, rowStart[l + 1]!);
      for (const u of row) {
        let sum = 0;
        let count = 0;
        for (let k = adj.start[u]!; k < adj.start[u + 1]!; k++) {
          sum += pos[adj.list[k]!]!;
          count++;
        }
        key[u] = count ? sum / count : pos[u]!;
      }
      row.sort((a, b) => key[a]! - key[b]! || a - b);
      row.forEach((u, k) => (pos[u] = k));
    }
  }

  // x: a few sweeps pulling each unit towards its neighbours' mean x, each row solved exactly under the
  // ordering and no-overlap constraints (isotonic regression, placeRow).
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let widest = 1;
  for (let l = 0; l < layers; l++) {
    let cursor = 0;
    for (let i = rowStart[l]!; i < rowStart[l + 1]!; i++) {
      const u = order[i]!;
      x[u] = cursor + input.widths[u]! / 2;
      cursor += input.widths[u]! + GAP_X;
    }
    widest = Math.max(widest, rowStart[l + 1]! - rowStart[l]!);
  }
  const scratch = {
    offset: new Float64Array(widest),
    blockMean: new Float64Array(widest),
    blockSize: new Int32Array(widest),
  };
  const want = new Float64Array(widest);
  for (let s = 0; s < PLACEMENT_SWEEPS; s++) {
    const down = s % 2 === 0;
    const adj = down ? pred : succ;
    for (let i = 0; i < layers; i++) {
      const l = down ? i : layers - 1 - i;
      const from = rowStart[l]!;
      const to = rowStart[l + 1]!;
      for (let k = from; k < to; k++) {
        const u = order[k]!;
        let sum = 0;
        let count = 0;
        for (let e = adj.start[u]!; e < adj.start[u + 1]!; e++) {
          sum += x[adj.list[e]!]!;
          count++;
        }
        want[k - from] = count ? sum / count : x[u]!;
      }
      placeRow(order, from, to, want, input.widths, x, scratch);
    }
  }
  // y: each layer is as tall as its tallest box; boxes are centred in their layer's band.
  const band = new Float64Array(layers).fill(input.nodeHeight);
  const h = input.heights;
  if (h) for (let u = 0; u < n; u++) band[layer[u]!] = Math.max(band[layer[u]!]!, h[u]!);
  const top = new Float64Array(layers + 1);
  for (let l = 0; l < layers; l++) top[l + 1] = top[l]! + band[l]! + GAP_Y;
  let minX = Infinity;
  let maxX = -Infinity;
  for (let u = 0; u < n; u++) {
    y[u] = top[layer[u]!]! + band[layer[u]!]! / 2;
    minX = Math.min(minX, x[u]! - input.widths[u]! / 2);
    maxX = Math.max(maxX, x[u]! + input.widths[u]! / 2);
  }
  if (n === 0) return { x, y, layer, width: 0, height: 0 };
  for (let u = 0; u < n; u++) x[u] = x[u]! - minX;
  return { x, y, layer, width: maxX - minX, height: top[layers]! };
}
