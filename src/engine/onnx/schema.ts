/**
 * The ONNX protobuf schema as a table: message name → fields (number, name, type, repeated, packed).
 * Written from the ONNX IR specification (onnx/onnx.proto, IR version 11; ONNX 1.18): field numbers are the
 * file format. Fields missing here (newer additions, ONNX-ML extras) are still kept byte-for-byte by the
 * codec as unknown fields, so nothing a newer exporter wrote is lost on a round trip.
 */
export type ScalarType = 'int64' | 'uint64' | 'int32' | 'float' | 'double' | 'string' | 'bytes';

export interface FieldSpec {
  readonly no: number;
  readonly name: string;
  /** A scalar type or the name of another message in this schema. */
  readonly type: ScalarType | string;
  readonly repeated?: boolean;
  /** Written packed (proto2 `[packed = true]`); either form is accepted when reading. */
  readonly packed?: boolean;
}

type Row = [number, string, ScalarType | string, ('r' | 'p')?];

function message(rows: Row[]): readonly FieldSpec[] {
  return rows
    .map(([no, name, type, mode]) => ({ no, name, type, repeated: mode !== undefined, packed: mode === 'p' }))
    .sort((a, b) => a.no - b.no);
}

export const SCHEMA: Readonly<Record<string, readonly FieldSpec[]>> = {
  ModelProto: message([
    [1, 'ir_version', 'int64'],
    [8, 'opset_import', 'OperatorSetIdProto', 'r'],
    [2, 'producer_name', 'string'],
    [3, 'producer_version', 'string'],
    [4, 'domain', 'string'],
    [5, 'model_version', 'int64'],
    [6, 'doc_string', 'string'],
    [7, 'graph', 'GraphProto'],
    [14, 'metadata_props', 'StringStringEntryProto', 'r'],
    [20, 'training_info', 'TrainingInfoProto', 'r'],
    [25, 'functions', 'FunctionProto', 'r'],
  ]),
  StringStringEntryProto: message([
    [1, 'key', 'string'],
    [2, 'value', 'string'],
  ]),
  OperatorSetIdProto: message([
    [1, 'domain', 'string'],
    [2, 'version', 'int64'],
  ]),
  TensorAnnotation: message([
    [1, 'tensor_name', 'string'],
    [2, 'quant_parameter_tensor_names', 'StringStringEntryProto', 'r'],
  ]),
  TrainingInfoProto: message([
    [1, 'initialization', 'GraphProto'],
    [2, 'algorithm', 'GraphProto'],
    [3, 'initialization_binding', 'StringStringEntryProto', 'r'],
    [4, 'update_binding', 'StringStringEntryProto', 'r'],
  ]),
  GraphProto: message([
    [1, 'node', 'NodeProto', 'r'],
    [2, 'name', 'string'],
    [5, 'initializer', 'TensorProto', 'r'],
    [15, 'sparse_initializer', 'SparseTensorProto', 'r'],
    [10, 'doc_string', 'string'],
    [11, 'input', 'ValueInfoProto', 'r'],
    [12, 'output', 'ValueInfoProto', 'r'],
    [13, 'value_info', 'ValueInfoProto', 'r'],
    [14, 'quantization_annotation', 'TensorAnnotation', 'r'],
    [16, 'metadata_props', 'StringStringEntryProto', 'r'],
  ]),
  NodeProto: message([
    [1, 'input', 'string', 'r'],
    [2, 'output', 'string', 'r'],
    [3, 'name', 'string'],
    [4, 'op_type', 'string'],
    [7, 'domain', 'string'],
    [8, 'overload', 'string'],
    [5, 'attribute', 'AttributeProto', 'r'],
    [6, 'doc_string', 'string'],
    [9, 'metadata_props', 'StringStringEntryProto', 'r'],
  ]),
  AttributeProto: message([
    [1, 'name', 'string'],
    [21, 'ref_attr_name', 'string'],
    [13, 'doc_string', 'string'],
    [20, 'type', 'int32'],
    [2, 'f', 'float'],
    [3, 'i', 'int64'],
    [4, 's', 'bytes'],
    [5, 't', 'TensorProto'],
    [6, 'g', 'GraphProto'],
    [22, 'sparse_tensor', 'SparseTensorProto'],
    [14, 'tp', 'TypeProto'],
    [7, 'floats', 'float', 'r'],
    [8, 'ints', 'int64', 'r'],
    [9, 'strings', 'bytes', 'r'],
    [10, 'tensors', 'TensorProto', 'r'],
    [11, 'graphs', 'GraphProto', 'r'],
    [23, 'sparse_tensors', 'SparseTensorProto', 'r'],
    [15, 'type_protos', 'TypeProto', 'r'],
  ]),
  ValueInfoProto: message([
    [1, 'name', 'string'],
    [2, 'type', 'TypeProto'],
    [3, 'doc_string', 'string'],
    [4, 'metadata_props', 'StringStringEntryProto', 'r'],
  ]),
  TensorProto: message([
    [1, 'dims', 'int64', 'r'],
    [2, 'data_type', 'int32'],
    [3, 'segment', 'TensorSegment'],
    [4, 'float_data', 'float', 'p'],
    [5, 'int32_data', 'int32', 'p'],
    [6, 'string_data', 'bytes', 'r'],
    [7, 'int64_data', 'int64', 'p'],
    [8, 'name', 'string'],
    [12, 'doc_string', 'string'],
    [9, 'raw_data', 'bytes'],
    [13, 'external_data', 'StringStringEntryProto', 'r'],
    [14, 'data_location', 'int32'],
    [10, 'double_data', 'double', 'p'],
    [11, 'uint64_data', 'uint64', 'p'],
    [16, 'metadata_props', 'StringStringEntryProto', 'r'],
  ]),
  TensorSegment: message([
    [1, 'begin', 'int64'],
    [2, 'end', 'int64'],
  ]),
  SparseTensorProto: message([
    [1, 'values', 'TensorProto'],
    [2, 'indices', 'TensorProto'],
    [3, 'dims', 'int64', 'r'],
  ]),
  TensorShapeProto: message([[1, 'dim', 'Dimension', 'r']]),
  Dimension: message([
    [1, 'dim_value', 'int64'],
    [2, 'dim_param', 'string'],
    [3, 'denotation', 'string'],
  ]),
  TypeProto: message([
    [1, 'tensor_type', 'TypeTensor'],
    [4, 'sequence_type', 'TypeSequence'],
    [5, 'map_type', 'TypeMap'],
    [9, 'optional_type', 'TypeOptional'],
    [8, 'sparse_tensor_type', 'TypeTensor'],
    [6, 'denotation', 'string'],
  ]),
  TypeTensor: message([
    [1, 'elem_type', 'int32'],
    [2, 'shape', 'TensorShapeProto'],
  ]),
  TypeSequence: message([[1, 'elem_type', 'TypeProto']]),
  TypeMap: message([
    [1, 'key_type', 'int32'],
    [2, 'value_type', 'TypeProto'],
  ]),
  TypeOptional: message([[1, 'elem_type', 'TypeProto']]),
  FunctionProto: message([
    [1, 'name', 'string'],
    [4, 'input', 'string', 'r'],
    [5, 'output', 'string', 'r'],
    [6, 'attribute', 'string', 'r'],
    [11, 'attribute_proto', 'AttributeProto', 'r'],
    [7, 'node', 'NodeProto', 'r'],
    [8, 'doc_string', 'string'],
    [9, 'opset_import', 'OperatorSetIdProto', 'r'],
    [10, 'domain', 'string'],
    [13, 'overload', 'string'],
    [12, 'value_info', 'ValueInfoProto', 'r'],
    [14, 'metadata_props', 'StringStringEntryProto', 'r'],
  ]),
};
