/**
 * Messages between the extension host and the graph webview (DESIGN.md: one discriminated union each way,
 * a Ready handshake answered by one Init carrying all initial state, details pulled lazily by request).
 * Imported by both sides, so it has no runtime dependencies. Messages that come FROM the webview cross a
 * trust boundary (a compromised page can post anything), so the host runs `validateWebviewMessage` on each.
 */

/** A tensor's static type where known: dtype name (`float32`) and dims (numbers, symbols, or null). */
export interface TensorInfo {
  readonly name: string;
  readonly dtype?: string;
  readonly shape?: readonly (number | string | null)[];
}

/** A weight or constant input drawn as a row inside its consumer's box: the input's spec name and the tensor. */
export interface WeightRow {
  /** Input name from the operator spec (`W`, `B`, `shape`), or `in2` where unknown. */
  readonly slot: string;
  /** Tensor name; its type (shape, dtype) is in `CompactGraph.tensors` where known. */
  readonly tensor: string;
}

/** An attribute shown inside a node's box (kernel, stride, perm, axis …), as short text. */
export interface KeyAttribute {
  readonly name: string;
  readonly value: string;
}

export interface CompactNode {
  /** Index into `CompactGraph.nodes`; stable for the lifetime of one Init. */
  readonly id: number;
  /** Node name (may be empty in the model; then a synthesised `op_N`). Display as text only. */
  readonly name: string;
  readonly op: string;
  readonly domain?: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Name-scope path from the node name split on '/', without the leaf (e.g. ['encoder','layer.3']). */
  readonly scope: readonly string[];
  /** Weights and constants this node reads, drawn as rows in its box (issue 17). */
  readonly weights?: readonly WeightRow[];
  /** Key attributes drawn in its box, in order; the properties pane has them all. */
  readonly attrs?: readonly KeyAttribute[];
  /** A Constant (or Identity/Cast of a weight) drawn as a row in its consumers' boxes, not as a box. */
  readonly folded?: true;
  /** Set on the nodes of If/Loop/Scan bodies: the scope group (`If_3`) they start collapsed in. */
  readonly subgraph?: string;
}

/** An edge from a producing node to a consuming node through one tensor. */
export interface CompactEdge {
  readonly from: number;
  readonly to: number;
  readonly tensor: string;
}

/** The graph the webview draws: structure and types only, never weights. */
export interface CompactGraph {
  readonly name: string;
  readonly nodes: readonly CompactNode[];
  readonly edges: readonly CompactEdge[];
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /** Types of intermediate tensors where known (value_info, initializer dims, shape inference). */
  readonly tensors: Readonly<Record<string, TensorInfo>>;
}

/** What the heat map (and the Layer Costs tree's sort) ranks nodes by: the one declaration of it. */
export const HEAT_MAP_METRICS = ['latency', 'memory', 'flops'] as const;
export type HeatMapMetric = (typeof HEAT_MAP_METRICS)[number];

export function isHeatMapMetric(x: unknown): x is HeatMapMetric {
  return (HEAT_MAP_METRICS as readonly unknown[]).includes(x);
}

/**
 * What the graph page can colour by: the profile's metrics, plus the optimized model's per-node error once an
 * optimize or a comparison has measured it (issue 18). Not a setting: there is no error until a comparison.
 */
export const GRAPH_HEAT_METRICS = [...HEAT_MAP_METRICS, 'error', 'latencyDelta'] as const;
export type GraphHeatMetric = (typeof GRAPH_HEAT_METRICS)[number];

export interface GraphSettings {
  readonly heatMapMetric: HeatMapMetric;
  /** Collapse name-scope groups when the graph has more nodes than this. */
  readonly collapseAbove: number;
}

/** One node's profiled cost, mapped by the host from the profile report. */
export interface ProfileOverlayNode {
  readonly name: string;
  readonly p50Ms: number;
  /** Fraction (0..1) of total measured kernel time. */
  readonly share: number;
  readonly activationBytes: number;
  readonly paramBytes: number;
  /** Floating-point operations from the cost model; absent where it does not know the op. */
  readonly flops?: number;
}

export interface ProfileOverlay {
  readonly nodes: readonly ProfileOverlayNode[];
}

/** One node of the original and how far the optimized model's value of its output drifted (localize.ts). */
export interface ErrorOverlayNode {
  readonly name: string;
  readonly op: string;
  /**
   * SNR in dB of the figure the overlay ranks by (ErrorOverlay.ranking): lower is worse, the order
   * `compare --localize` prints. Cosine likewise.
   */
  readonly snrDb: number;
  readonly cosine: number;
  /** With the 'added' ranking: the node output's accumulated error (upstream error included). */
  readonly output?: { readonly snrDb: number; readonly cosine: number };
}

/** Per-node error of B against A, drawn on A's graph as the "error" heat-map metric. */
export interface ErrorOverlay {
  /** The original (whose graph is coloured) and the optimized model, as file paths. */
  readonly a: string;
  readonly b: string;
  /** 'added': the error each node adds itself (fed A's inputs); 'accumulated': its output's error. */
  readonly ranking?: 'added' | 'accumulated';
  readonly nodes: readonly ErrorOverlayNode[];
}

/** One node's latency in the original (A) and the optimized model (B), both profiled, and B − A. */
export interface LatencyDeltaNode {
  /** The node's name in the graph being coloured (A's own, or the Compare Graphs union's). */
  readonly name: string;
  readonly aMs: number;
  readonly bMs: number;
  readonly deltaMs: number;
}

/** Per-node latency delta (optimized − original), the "latencyDelta" heat-map metric (issue 18). */
export interface LatencyDeltaOverlay {
  /** The original and the optimized model, as file paths. */
  readonly a: string;
  readonly b: string;
  readonly nodes: readonly LatencyDeltaNode[];
}

export interface SuggestionBadge {
  readonly nodeName: string;
  readonly title: string;
}

export interface NodeDetails {
  readonly nodeId: number;
  readonly attributes: readonly { readonly name: string; readonly value: string }[];
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  readonly flops?: number;
  readonly params?: number;
  readonly latencyMs?: number;
  readonly memoryBytes?: number;
}

/** A node's place in a two-model diff: in both and equal, only in B, only in A, or in both with changes. */
export type DiffStatus = 'same' | 'added' | 'removed' | 'changed';

/**
 * The "Compare Graphs" view (issue 17): the Init graph is the union of B's nodes and A's removed ones, and this
 * says which is which. Sent before Init, so the first layout already has the notes in the boxes.
 */
export interface GraphDiffOverlay {
  /** File names of the original (A) and the compared model (B). */
  readonly a: string;
  readonly b: string;
  /** Per CompactNode.id of the union graph. */
  readonly status: readonly DiffStatus[];
  /** What changed, and the latency delta once both models are profiled, per node id (as text rows). */
  readonly notes: Readonly<Record<number, readonly string[]>>;
  readonly counts: {
    readonly same: number;
    readonly changed: number;
    readonly added: number;
    readonly removed: number;
  };
}

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export type HostToWebview =
  /** `graph`: the CompactGraph as graphWire.ts encodes it (its JSON as UTF-8 bytes; decodeGraph reads it). */
  | { readonly type: 'init'; readonly graph: Uint8Array; readonly settings: GraphSettings }
  | { readonly type: 'nodeDetails'; readonly requestId: number; readonly details: NodeDetails }
  | { readonly type: 'profileOverlay'; readonly overlay: ProfileOverlay }
  | { readonly type: 'suggestions'; readonly badges: readonly SuggestionBadge[] }
  | { readonly type: 'errorOverlay'; readonly overlay: ErrorOverlay }
  | { readonly type: 'latencyDeltaOverlay'; readonly overlay: LatencyDeltaOverlay }
  | { readonly type: 'revealNode'; readonly nodeName: string }
  | { readonly type: 'theme'; readonly kind: ThemeKind }
  | { readonly type: 'graphDiff'; readonly diff: GraphDiffOverlay }
  | { readonly type: 'error'; readonly message: string; readonly requestId?: number }
  /** The model could not be opened: the page shows a centred error state instead of an empty canvas. */
  | { readonly type: 'loadError'; readonly message: string };

export type WebviewToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'nodeDetailsRequest'; readonly requestId: number; readonly nodeId: number }
  | { readonly type: 'selectNode'; readonly nodeId: number }
  | { readonly type: 'applySuggestion'; readonly nodeId: number }
  /** "Keep in float" on a node: the host adds it to the model's exclusion list (issue 18). */
  | { readonly type: 'keepFloat'; readonly nodeId: number }
  /** "Keep in fp16": the node runs in float16 instead of int8 (the model's exclusion list records it so). */
  | { readonly type: 'keepFp16'; readonly nodeId: number }
  /** The error state's actions: reopen the file in the text editor; show the log with the full error. */
  | { readonly type: 'openAsText' }
  | { readonly type: 'showDetails' };

export { assertNever } from './assertNever';

const MAX_ID = 2 ** 31 - 1;

function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_ID;
}

/**
 * Checks a message that arrived from the webview: a known type, exactly the expected keys, ids that are
 * non-negative integers and (when `nodeCount` is given) within the graph. Returns undefined for anything else,
 * so forged or malformed messages are dropped rather than half-handled.
 */
export function validateWebviewMessage(raw: unknown, nodeCount?: number): WebviewToHost | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const m = raw as Record<string, unknown>;
  const keys = Object.keys(m).sort().join(',');
  const inGraph = (id: unknown): boolean => isId(id) && (nodeCount === undefined || id < nodeCount);
  switch (m.type) {
    case 'ready':
    case 'openAsText':
    case 'showDetails':
      return keys === 'type' ? { type: m.type } : undefined;
    case 'nodeDetailsRequest':
      return keys === 'nodeId,requestId,type' && isId(m.requestId) && inGraph(m.nodeId)
        ? { type: 'nodeDetailsRequest', requestId: m.requestId as number, nodeId: m.nodeId as number }
        : undefined;
    case 'selectNode':
    case 'applySuggestion':
    case 'keepFloat':
    case 'keepFp16':
      return keys === 'nodeId,type' && inGraph(m.nodeId) ? { type: m.type, nodeId: m.nodeId as number } : undefined;
    default:
      return undefined;
  }
}
