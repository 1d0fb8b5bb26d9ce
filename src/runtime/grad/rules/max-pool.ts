import { createMessage, OnnxNode } from '../../onnx/codec';
import { convTransposeToSize, spatialDims, windowGeometry } from '../helpers';
import type { GradientRuleEntry, RuleContext } from './types';

/** Indices stored column-major (storage_order 1) rewritten row-major: (w·H + h) → (h·W + w) within each plane. */
function rowMajor(context: RuleContext, xSpatial: number[]): string {
  if (xSpatial.length !== 2) context.fail('storage_order 1 is supported for 2-D pooling only');
  const emit = context.emit;
  const [height, width] = xSpatial;
  const indices = context.output(1);
  const local = emit.node('Mod', [indices, emit.int64([height * width], [])]);
  const row = emit.node('Mod', [local, emit.int64([height], [])]);
  const column = emit.div(local, emit.int64([height], []));
  return emit.add(emit.sub(indices, local), emit.add(emit.mul(row, emit.int64([width], [])), column));
}

/**
 * MaxPool: dy goes to the position MaxPool's Indices output names. Without overlapping windows that is one
 * MaxUnpool. Overlapping windows can send several dy values to one position, which MaxUnpool would overwrite,
 * so there the winning tap of each window becomes a one-hot channel and a ConvTranspose with a one-hot kernel
 * adds every window's contribution back in place (col2im).
 */
export const maxPoolGradient: GradientRuleEntry = {
  prepare: (node, emit) => {
    if (node.output.length > 1 && node.output[1]) return node;
    return createMessage<OnnxNode>('NodeProto', { ...node, output: [node.output[0], emit.fresh(`${node.output[0]}_indices`)] });
  },
  backward: (context) => {
    const emit = context.emit;
    const x = context.input(0);
    const dy = context.gradOut;
    const kernel = context.ints('kernel_shape') ?? context.fail('kernel_shape is missing');
    const xSpatial = spatialDims(context, x);
    const indices = context.int('storage_order', 0) === 0 ? context.output(1) : rowMajor(context, xSpatial);
    const ySpatial = spatialDims(context, context.output(0));
    const geometry = windowGeometry(context, xSpatial, kernel);
    const overlapping = kernel.some((k, i) => geometry.strides[i] < (k - 1) * geometry.dilations[i] + 1);
    if (!overlapping) {
      return [emit.node('MaxUnpool', [dy, indices, emit.shapeOf(x)], { kernel_shape: kernel, strides: geometry.strides, pads: geometry.pads })];
    }

    const count = kernel.length;
    const taps = kernel.reduce((a, b) => a * b, 1);
    const planeSize = xSpatial.reduce((a, b) => a * b, 1);
    let remainder = emit.node('Mod', [indices, emit.int64([planeSize], [])]);
    let tap: string | undefined;
    for (let axis = 0; axis < count; axis++) {
      const stride = xSpatial.slice(axis + 1).reduce((a, b) => a * b, 1);
      const coordinate = emit.div(remainder, emit.int64([stride], []));
      remainder = emit.node('Mod', [remainder, emit.int64([stride], [])]);
      const originDims = ySpatial.map((size, i) => (i === axis ? size : 1));
      const origins = Array.from({ length: ySpatial[axis] }, (_, o) => o * geometry.strides[axis] - geometry.pads[axis]);
      const offset = emit.div(emit.sub(coordinate, emit.int64(origins, originDims)), emit.int64([geometry.dilations[axis]], []));
      const weight = kernel.slice(axis + 1).reduce((a, b) => a * b, 1);
      const weighted = weight === 1 ? offset : emit.mul(offset, emit.int64([weight], []));
      tap = tap ? emit.add(tap, weighted) : weighted;
    }
    const tapIds = emit.int64([...Array(taps).keys()], [1, 1, taps, ...ySpatial.map(() => 1)]);
    const winners = emit.mask(emit.node('Equal', [emit.unsqueeze(tap!, [2]), tapIds]));
    const spread = emit.reshape(emit.mul(winners, emit.unsqueeze(dy, [2])), [-1, taps, ...ySpatial]);
    const oneHotKernel = new Array<number>(taps * taps).fill(0);
    for (let t = 0; t < taps; t++) oneHotKernel[t * taps + t] = 1;
    const kernelTensor = emit.constant(emit.floatType, [taps, 1, ...kernel], oneHotKernel);
    const placed = convTransposeToSize(emit, spread, kernelTensor, geometry, ySpatial, xSpatial, 1);
    return [emit.reshapeLike(placed, x)];
  },
};
