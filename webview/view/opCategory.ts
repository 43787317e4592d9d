/**
 * Op categories and their colours, as Netron groups ops (layer, activation, pool, normalization, shape, tensor
 * …). Colours come from VS Code's chart theme variables (`--vscode-charts-*`), which every theme defines for
 * light, dark and high-contrast alike, so a Conv is the same hue in each and keeps its contrast.
 */
export type OpCategory =
  'layer' | 'activation' | 'pool' | 'normalization' | 'shape' | 'tensor' | 'quantize' | 'control' | 'other';

const CATEGORY_OPS: Readonly<Record<Exclude<OpCategory, 'other'>, readonly string[]>> = {
  layer: [
    'Conv',
    'ConvTranspose',
    'ConvInteger',
    'QLinearConv',
    'Gemm',
    'MatMul',
    'MatMulInteger',
    'QLinearMatMul',
    'FusedConv',
    'FusedMatMul',
    'Attention',
    'MultiHeadAttention',
    'LSTM',
    'GRU',
    'RNN',
    'Einsum',
  ],
  activation: [
    'Relu',
    'LeakyRelu',
    'PRelu',
    'Sigmoid',
    'HardSigmoid',
    'HardSwish',
    'Tanh',
    'Softmax',
    'LogSoftmax',
    'Gelu',
    'FastGelu',
    'Erf',
    'Elu',
    'Selu',
    'Softplus',
    'Clip',
    'Mish',
    'Swish',
  ],
  pool: ['MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'LpPool', 'Resize', 'Upsample'],
  normalization: [
    'BatchNormalization',
    'LayerNormalization',
    'InstanceNormalization',
    'GroupNormalization',
    'SkipLayerNormalization',
    'LRN',
    'Dropout',
  ],
  shape: [
    'Reshape',
    'Flatten',
    'Squeeze',
    'Unsqueeze',
    'Transpose',
    'Shape',
    'Size',
    'Expand',
    'Tile',
    'Identity',
    'Cast',
    'ConstantOfShape',
    'Constant',
    'Range',
  ],
  tensor: ['Concat', 'Split', 'Slice', 'Gather', 'GatherElements', 'GatherND', 'Pad', 'ScatterND', 'Where', 'TopK'],
  quantize: ['QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeLinear', 'DynamicQuantizeMatMul'],
  control: ['If', 'Loop', 'Scan'],
};

const BY_OP = new Map<string, OpCategory>();
for (const [cat, ops] of Object.entries(CATEGORY_OPS)) for (const op of ops) BY_OP.set(op, cat as OpCategory);

export function opCategory(op: string): OpCategory {
  return BY_OP.get(op) ?? 'other';
}

/** Theme variable and fallback per category (fallbacks: VS Code's dark-theme chart colours). */
const VARS: Readonly<Record<OpCategory, readonly [string, string]>> = {
  layer: ['--vscode-charts-blue', '#3794ff'],
  activation: ['--vscode-charts-red', '#f14c4c'],
  pool: ['--vscode-charts-green', '#89d185'],
  normalization: ['--vscode-charts-purple', '#b180d7'],
  shape: ['--vscode-charts-lines', '#808080'],
  tensor: ['--vscode-charts-orange', '#d18616'],
  quantize: ['--vscode-charts-yellow', '#cca700'],
  control: ['--vscode-charts-purple', '#b180d7'],
  other: ['--vscode-charts-foreground', '#cccccc'],
};

export type CategoryColours = Readonly<Record<OpCategory, string>>;

/** Reads the category colours from the page's current theme (call again when the theme changes). */
export function readCategoryColours(style: CSSStyleDeclaration): CategoryColours {
  const out = {} as Record<OpCategory, string>;
  for (const [cat, [name, fallback]] of Object.entries(VARS))
    out[cat as OpCategory] = style.getPropertyValue(name).trim() || fallback;
  return out;
}
