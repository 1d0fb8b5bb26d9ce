import { DataType } from '../../onnx/dtypes';
import { quantizationParameter } from '../helpers';
import type { GradientRuleEntry } from './types';

/** The integer range of each quantized type, by ONNX data type (uint8 when there is no zero point). */
const INTEGER_RANGES: Record<number, [number, number]> = {
  [DataType.UINT8]: [0, 255],
  [DataType.INT8]: [-128, 127],
  [DataType.UINT16]: [0, 65535],
  [DataType.INT16]: [-32768, 32767],
  [DataType.INT32]: [-2147483648, 2147483647],
};

/**
 * QuantizeLinear, q = saturate(round(x / scale) + zero_point): the straight-through estimator. Rounding passes the
 * gradient unchanged (dq/dx = 1/scale) where round(x / scale) + zero_point lies in the type's range, which is
 * x in [(qmin − zp)·scale, (qmax − zp)·scale] up to half a step at the edges, and nothing where it saturates; the same
 * mask as PyTorch's fake quantization. Per-axis scales and zero points broadcast along `axis`. Scale and zero point
 * get no gradient.
 */
export const quantizeLinearGradient: GradientRuleEntry = {
  backward: (context) => {
    if (!context.needs(0)) return [undefined];
    const emit = context.emit;
    const [x, scale, zeroPoint] = [context.input(0), context.input(1), context.input(2)];
    const outputType = zeroPoint ? context.elemType(zeroPoint) : context.int('output_dtype', DataType.UINT8);
    const range = INTEGER_RANGES[outputType];
    if (!range) context.fail(`quantizing to data type ${outputType} has no gradient rule`);
    const broadcastScale = quantizationParameter(context, scale);
    let level = emit.node('Round', [emit.div(x, broadcastScale)]);
    if (zeroPoint) level = emit.add(level, emit.node('Cast', [quantizationParameter(context, zeroPoint)], { to: emit.floatType }));
    const saturated = emit.node('Or', [emit.node('Less', [level, emit.float(range[0])]), emit.node('Greater', [level, emit.float(range[1])])]);
    return [emit.node('Where', [saturated, emit.float(0), emit.div(context.gradOut, broadcastScale)])];
  },
};
