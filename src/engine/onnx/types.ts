/**
 * TypeScript views of the decoded ONNX messages (field names as in onnx.proto). Optional everywhere because
 * protobuf fields may be absent; readers treat absence as the proto default.
 */
import type { Int64 } from './int64';

type Unknown = { $unknown?: Uint8Array[] };

export interface StringStringEntryProto extends Unknown {
  key?: string;
  value?: string;
}

export interface OperatorSetIdProto extends Unknown {
  domain?: string;
  version?: Int64;
}

export interface ModelProto extends Unknown {
  ir_version?: Int64;
  opset_import?: OperatorSetIdProto[];
  producer_name?: string;
  producer_version?: string;
  domain?: string;
  model_version?: Int64;
  doc_string?: string;
  graph?: GraphProto;
  metadata_props?: StringStringEntryProto[];
  training_info?: Unknown[];
  functions?: FunctionProto[];
}

export interface GraphProto extends Unknown {
  node?: NodeProto[];
  name?: string;
  initializer?: TensorProto[];
  sparse_initializer?: SparseTensorProto[];
  doc_string?: string;
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
  value_info?: ValueInfoProto[];
  quantization_annotation?: Unknown[];
  metadata_props?: StringStringEntryProto[];
}

export interface NodeProto extends Unknown {
  input?: string[];
  output?: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  overload?: string;
  attribute?: AttributeProto[];
  doc_string?: string;
  metadata_props?: StringStringEntryProto[];
}

/** AttributeProto.AttributeType. */
export const enum AttributeType {
  UNDEFINED = 0,
  FLOAT = 1,
  INT = 2,
  STRING = 3,
  TENSOR = 4,
  GRAPH = 5,
  FLOATS = 6,
  INTS = 7,
  STRINGS = 8,
  TENSORS = 9,
  GRAPHS = 10,
  SPARSE_TENSOR = 11,
  SPARSE_TENSORS = 12,
  TYPE_PROTO = 13,
  TYPE_PROTOS = 14,
}

export interface AttributeProto extends Unknown {
  name?: string;
  ref_attr_name?: string;
  doc_string?: string;
  type?: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  sparse_tensor?: SparseTensorProto;
  tp?: TypeProto;
  floats?: ArrayLike<number>;
  ints?: Int64[];
  strings?: Uint8Array[];
  tensors?: TensorProto[];
  graphs?: GraphProto[];
  sparse_tensors?: SparseTensorProto[];
  type_protos?: TypeProto[];
}

export interface ValueInfoProto extends Unknown {
  name?: string;
  type?: TypeProto;
  doc_string?: string;
  metadata_props?: StringStringEntryProto[];
}

/** TensorProto.DataType. */
export const enum DataType {
  UNDEFINED = 0,
  FLOAT = 1,
  UINT8 = 2,
  INT8 = 3,
  UINT16 = 4,
  INT16 = 5,
  INT32 = 6,
  INT64 = 7,
  STRING = 8,
  BOOL = 9,
  FLOAT16 = 10,
  DOUBLE = 11,
  UINT32 = 12,
  UINT64 = 13,
  COMPLEX64 = 14,
  COMPLEX128 = 15,
  BFLOAT16 = 16,
  FLOAT8E4M3FN = 17,
  FLOAT8E4M3FNUZ = 18,
  FLOAT8E5M2 = 19,
  FLOAT8E5M2FNUZ = 20,
  UINT4 = 21,
  INT4 = 22,
  FLOAT4E2M1 = 23,
}

export const enum DataLocation {
  DEFAULT = 0,
  EXTERNAL = 1,
}

export interface TensorProto extends Unknown {
  dims?: Int64[];
  data_type?: number;
  segment?: Unknown;
  float_data?: ArrayLike<number>;
  int32_data?: ArrayLike<number>;
  string_data?: Uint8Array[];
  int64_data?: Int64[];
  name?: string;
  doc_string?: string;
  raw_data?: Uint8Array;
  external_data?: StringStringEntryProto[];
  data_location?: number;
  double_data?: ArrayLike<number>;
  uint64_data?: Int64[];
  metadata_props?: StringStringEntryProto[];
}

export interface SparseTensorProto extends Unknown {
  values?: TensorProto;
  indices?: TensorProto;
  dims?: Int64[];
}

export interface DimensionProto extends Unknown {
  dim_value?: Int64;
  dim_param?: string;
  denotation?: string;
}

export interface TensorShapeProto extends Unknown {
  dim?: DimensionProto[];
}

export interface TypeProto extends Unknown {
  tensor_type?: { elem_type?: number; shape?: TensorShapeProto } & Unknown;
  sequence_type?: { elem_type?: TypeProto } & Unknown;
  map_type?: { key_type?: number; value_type?: TypeProto } & Unknown;
  optional_type?: { elem_type?: TypeProto } & Unknown;
  sparse_tensor_type?: { elem_type?: number; shape?: TensorShapeProto } & Unknown;
  denotation?: string;
}

export interface FunctionProto extends Unknown {
  name?: string;
  input?: string[];
  output?: string[];
  attribute?: string[];
  attribute_proto?: AttributeProto[];
  node?: NodeProto[];
  doc_string?: string;
  opset_import?: OperatorSetIdProto[];
  domain?: string;
  overload?: string;
  value_info?: ValueInfoProto[];
  metadata_props?: StringStringEntryProto[];
}
