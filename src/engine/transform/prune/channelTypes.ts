/** The result types of channel analysis (channelSpaces.ts), apart so the analyzer and its readers share them. */
import type { NodeProto } from '../../onnx/types';

/** Channels of a tensor: spaces laid side by side along `axis` (negative: counted from the last dim). */
export interface Layout {
  readonly segs: readonly number[];
  readonly axis: number;
}

export interface Space {
  readonly id: number;
  readonly size: number;
  /** Weights whose slices along `axis` are this space's channels: used to score channels. */
  readonly scoredBy: { node: NodeProto; input: number; axis: number }[];
  /** Why these channels must stay (empty: prunable). */
  readonly blocked: string[];
}

export interface SliceAction {
  readonly node: NodeProto;
  readonly input: number;
  /** Axis of that input tensor (non-negative). */
  readonly axis: number;
  readonly layout: Layout;
}

export interface ChannelAnalysis {
  readonly spaces: Space[];
  /** Union-find root of a space id (spaces joined by residual Adds share a root). */
  readonly root: (id: number) => number;
  readonly actions: SliceAction[];
  /** Depthwise Convs whose `group` must equal their kept channel count. */
  readonly groupActions: { node: NodeProto; layout: Layout }[];
  /** Constant shape vectors (Resize `sizes`) whose entry `index` must become the kept channel count. */
  readonly sizeActions: { node: NodeProto; input: number; index: number; layout: Layout }[];
  /** Values that carry prunable channels (their declared value_info shapes become stale). */
  readonly carriers: Set<string>;
}
