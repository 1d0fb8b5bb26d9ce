/**
 * How each operator takes part in static quantization, after onnxruntime's registry of QDQ operators: what has an
 * int8 kernel (or a fusion onnxruntime performs on QuantizeLinear/DequantizeLinear pairs) on its CPU provider.
 */
export type QuantizedRole =
  /** Integer compute with a weight: activations and weight int8, bias int32 (QLinearConv, QLinearMatMul, QGemm). */
  | 'weighted'
  /** Integer kernel with its own output scale (QLinearAdd, QLinearMul, QLinearConcat, QLinearAveragePool...). */
  | 'own-output'
  /** Moves or picks values without arithmetic: the output keeps the input's scale (MaxPool, Reshape, Resize...). */
  | 'same-as-input'
  /** Relu and Clip: folded into the quantized output of the node before them. */
  | 'activation';

export const quantizedRoles: Record<string, QuantizedRole> = {
  Conv: 'weighted',
  ConvTranspose: 'weighted',
  Gemm: 'weighted',
  MatMul: 'weighted',
  Add: 'own-output',
  Mul: 'own-output',
  Concat: 'own-output',
  AveragePool: 'own-output',
  GlobalAveragePool: 'own-output',
  MaxPool: 'same-as-input',
  Resize: 'same-as-input',
  Reshape: 'same-as-input',
  Transpose: 'same-as-input',
  Flatten: 'same-as-input',
  Squeeze: 'same-as-input',
  Unsqueeze: 'same-as-input',
  Relu: 'activation',
  Clip: 'activation',
};

/** The weight input and the axis of its output channels (per-channel scales run along it). */
export function weightAxis(opType: string, transB: boolean, rank: number): number {
  switch (opType) {
    case 'ConvTranspose': return 1;
    case 'Gemm': return transB ? 0 : 1;
    case 'MatMul': return rank - 1;
    default: return 0;
  }
}

/** Operators the dynamic mode computes in integers at run time (DynamicQuantizeLinear + MatMulInteger). */
export const DYNAMIC_MATMUL_TYPES = new Set(['MatMul', 'Gemm']);
/** Operators whose weights the dynamic mode stores as int8 with a DequantizeLinear (compute stays float). */
export const DYNAMIC_WEIGHT_ONLY_TYPES = new Set(['Conv', 'ConvTranspose']);
