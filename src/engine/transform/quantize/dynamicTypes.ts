/** The options and the chosen nodes of dynamic int8 quantization, shared by dynamic.ts and dynamicRewrites.ts. */
import type { NodeProto } from '../../onnx/types';
import type { ResolvedWeight } from '../common/weights';
import type { QuantType } from './quantMath';
import type { SelectionOptions } from './select';

export type DynamicOp = 'MatMul' | 'Gemm' | 'Conv' | 'Gather';

export interface DynamicQuantOptions extends SelectionOptions {
  /** int8 symmetric (default; what VNNI's u8·s8 kernels want) or uint8 asymmetric. */
  readonly weightType?: QuantType;
  /** One scale per output channel (MatMul/Gemm columns, Conv output channels). */
  readonly perChannel?: boolean;
  readonly reduceRange?: boolean;
  readonly ops?: readonly DynamicOp[];
}

export interface Candidate {
  readonly i: number;
  readonly node: NodeProto;
  readonly op: DynamicOp;
  readonly weight: ResolvedWeight;
}
