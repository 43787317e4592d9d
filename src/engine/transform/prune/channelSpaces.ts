/**
 * Which channels can be removed together. A "channel space" is the set of channels one producer creates
 * (a Conv's output channels, a Gemm/MatMul's output features). Spaces flow forward through ops that keep
 * channels apart (activations, BN, pooling, per-channel arithmetic); an elementwise op on two such tensors
 * (a residual Add, an SE block's Mul) joins their spaces, so they are pruned in sync; a channel Concat lays
 * several spaces side by side. Consumers that read channels as a contraction dim (Conv input channels,
 * Gemm/MatMul input features, ConvTranspose input channels) just drop the same slices of their weights.
 *
 * Anything the analysis does not understand (a graph output, a Reshape that mixes channels with other dims,
 * a grouped Conv, a subgraph reading the value, an op outside the lists below) blocks the spaces it touches,
 * with the reason, and those channels stay: the result is always a valid model.
 *
 * Every edit is recorded as a `SliceAction`: "slice input k of this node along this axis, keeping the
 * channels this layout keeps", resolved once the kept channels are chosen.
 */
import type { ValueType } from '../../graph/dims';
import { indexGraph } from '../../graph/graphIndex';
import type { Lookup } from '../../graph/scope';
import type { GraphProto, TensorProto } from '../../onnx/types';
import { ChannelAnalyzer } from './channelAnalyzer';
import type { ChannelAnalysis } from './channelTypes';

export type { ChannelAnalysis, Layout, SliceAction, Space } from './channelTypes';

export function analyzeChannels(
  g: GraphProto,
  types: Lookup<ValueType> | undefined,
  constant: (name: string) => TensorProto | undefined,
): ChannelAnalysis {
  const a = new ChannelAnalyzer(types, constant);
  const index = indexGraph(g);
  for (const i of index.order) a.visit(index.nodes[i]!);
  for (const o of g.output ?? []) a.block(a.layouts.get(o.name ?? ''), `'${o.name ?? ''}' is a graph output`);
  return a.result();
}
