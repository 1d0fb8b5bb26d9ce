import { floatAttribute } from '../emitter';
import { reduceToInput } from '../helpers';
import type { GradientRuleEntry } from './types';

/** Gemm Y = α·op(A)·op(B) + β·C: each operand's gradient is itself one Gemm. */
export const gemmGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const [a, b, c] = [context.input(0), context.input(1), context.input(2)];
    const dy = context.gradOut;
    const alpha = floatAttribute('alpha', context.float('alpha', 1));
    const transA = context.int('transA', 0);
    const transB = context.int('transB', 0);
    const da = () => transA
      ? emit.node('Gemm', [b, dy], { alpha, transA: transB, transB: 1 })
      : emit.node('Gemm', [dy, b], { alpha, transB: transB ? 0 : 1 });
    const db = () => transB
      ? emit.node('Gemm', [dy, a], { alpha, transA: 1, transB: transA })
      : emit.node('Gemm', [a, dy], { alpha, transA: transA ? 0 : 1 });
    const beta = context.float('beta', 1);
    const dc = c && context.needs(2) ? reduceToInput(context, beta === 1 ? dy : emit.mul(dy, emit.float(beta)), c) : undefined;
    return [context.needs(0) ? da() : undefined, context.needs(1) ? db() : undefined, dc];
  },
};
