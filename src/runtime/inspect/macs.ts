import type { Shape } from './types';

/**
 * Multiply-accumulate counts per layer, for one sample: symbolic dims (a batch axis) count as 1; a layer whose
 * shapes are not fully known gives null (its count is unknown, not zero). Only the ops below do multiply-accumulates in this convention; elementwise
 * ops, pooling, normalization and resizing count 0 (as PyTorch counters hooking Conv/Linear do).
 *   Conv          output elements × (Cin / group) × kernel elements      (weight [Cout, Cin/group, k...])
 *   ConvTranspose input elements × (Cout / group) × kernel elements      (weight [Cin, Cout/group, k...])
 *   Gemm, MatMul  M × N × K (output elements × the reduced dim)
 */
export interface MacInputs {
  inputs: (Shape | null | undefined)[];
  outputs: (Shape | null | undefined)[];
  attribute: (name: string, fallback: number) => number;
}

export type MacRule = (layer: MacInputs) => number | null;

function elements(shape: Shape | null | undefined, symbolicAs = 1): number | null {
  if (!shape) return null;
  let product = 1;
  for (const dim of shape) {
    if (dim === null) return null;
    product *= typeof dim === 'string' ? symbolicAs : dim;
  }
  return product;
}

function kernelTerm(weight: Shape | null | undefined): number | null {
  if (!weight || weight.length < 2) return null;
  return elements(weight.slice(1));
}

const conv: MacRule = ({ inputs, outputs }) => {
  const output = elements(outputs[0]);
  const kernel = kernelTerm(inputs[1]);
  return output === null || kernel === null ? null : output * kernel;
};

/** QLinearConv: x, x_scale, x_zero_point, w, … (the weight is the fourth input). */
const qlinearConv: MacRule = ({ inputs, outputs, attribute }) => conv({ inputs: [inputs[0], inputs[3]], outputs, attribute });

const convTranspose: MacRule = ({ inputs }) => {
  const input = elements(inputs[0]);
  const kernel = kernelTerm(inputs[1]);
  return input === null || kernel === null ? null : input * kernel;
};

const gemm: MacRule = ({ inputs, outputs, attribute }) => {
  const a = inputs[0];
  const output = elements(outputs[0]);
  if (!a || a.length !== 2 || output === null) return null;
  const k = attribute('transA', 0) ? a[0] : a[1];
  return typeof k === 'number' ? output * k : null;
};

const matmul: MacRule = ({ inputs, outputs }) => {
  const a = inputs[0];
  const output = elements(outputs[0]);
  if (!a || a.length === 0 || output === null) return null;
  const k = a[a.length - 1];
  return typeof k === 'number' ? output * k : null;
};

export const macRules: Record<string, MacRule> = {
  Conv: conv, ConvInteger: conv, QLinearConv: qlinearConv, ConvTranspose: convTranspose,
  Gemm: gemm, MatMul: matmul, MatMulInteger: matmul, QLinearMatMul: matmul,
};
