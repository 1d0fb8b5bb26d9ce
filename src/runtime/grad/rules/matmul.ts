import { reduceToInput } from '../helpers';
import type { GradientRuleEntry } from './types';

/** MatMul with numpy semantics: 1-D operands, batched and broadcast matrices. */
export const matMulGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const [a, b] = [context.input(0), context.input(1)];
    const dy = context.gradOut;
    const [rankA, rankB] = [context.rank(a), context.rank(b)];
    const wantA = context.needs(0);
    const wantB = context.needs(1);
    if (rankA === 1 && rankB === 1) return [wantA ? emit.mul(dy, b) : undefined, wantB ? emit.mul(dy, a) : undefined];
    if (rankB === 1) {
      const column = emit.unsqueeze(dy, [rankA - 1]);
      const allButLast = [...Array(rankA - 1).keys()];
      return [wantA ? emit.mul(column, b) : undefined, wantB ? emit.reduceSum(emit.mul(a, column), allButLast, false) : undefined];
    }
    if (rankA === 1) {
      const row = emit.unsqueeze(dy, [rankB - 2]);
      const allButRows = [...Array(rankB).keys()].filter((axis) => axis !== rankB - 2);
      return [wantA ? emit.reduceSum(emit.mul(b, row), allButRows, false) : undefined, wantB ? emit.mul(emit.unsqueeze(a, [1]), row) : undefined];
    }
    if (rankA === 2 && rankB === 2) {
      return [
        wantA ? emit.node('Gemm', [dy, b], { transB: 1 }) : undefined,
        wantB ? emit.node('Gemm', [a, dy], { transA: 1 }) : undefined,
      ];
    }
    const swapLast = (rank: number) => [...Array(rank - 2).keys(), rank - 1, rank - 2];
    return [
      wantA ? reduceToInput(context, emit.node('MatMul', [dy, emit.transpose(b, swapLast(rankB))]), a, 2) : undefined,
      wantB ? reduceToInput(context, emit.node('MatMul', [emit.transpose(a, swapLast(rankA)), dy]), b, 2) : undefined,
    ];
  },
};
