import { DataType } from '../../onnx/dtypes';
import type { GradientRuleEntry } from './types';

const FLOATS = new Set<number>([DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16]);

/** Cast between float types: the gradient is cast back to the input's type. */
export const castGradient: GradientRuleEntry = {
  backward: (context) => {
    const to = context.elemType(context.input(0));
    if (!FLOATS.has(to)) return [undefined];
    return [to === context.elemType(context.output(0)) ? context.gradOut : context.emit.node('Cast', [context.gradOut], { to })];
  },
};
