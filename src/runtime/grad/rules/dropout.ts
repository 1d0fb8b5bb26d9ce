import { createMessage, OnnxNode } from '../../onnx/codec';
import type { Emitter } from '../emitter';
import type { GradientRuleEntry, RuleContext } from './types';

/** Whether a Dropout node runs in training mode: its training_mode input (opset 12 on) is a true constant. */
function trainingMode(context: RuleContext): boolean {
  if (!context.input(2)) return false;
  const values = context.constantValues(context.input(2));
  if (!values) context.fail('training_mode is computed at run time');
  return values[0] !== 0;
}

function isTrainingConstant(node: OnnxNode, emit: Emitter): boolean {
  return Boolean(node.input[2]) && emit.opset >= 12 && !(node.output.length > 1 && node.output[1]);
}

/**
 * Dropout: in inference form the identity. In training mode y = x·mask/(1 − ratio) with the random mask that
 * Dropout itself outputs, so the gradient is dy·mask/(1 − ratio) with the same mask.
 */
export const dropoutGradient: GradientRuleEntry = {
  prepare: (node, emit) => {
    if (!isTrainingConstant(node, emit)) return node;
    return createMessage<OnnxNode>('NodeProto', { ...node, output: [node.output[0], emit.fresh(`${node.output[0]}_mask`)] });
  },
  backward: (context) => {
    if (!trainingMode(context)) return [context.gradOut];
    const emit = context.emit;
    const ratio = context.input(1) ? context.requireConstant(context.input(1), 'ratio')[0] : 0.5;
    if (ratio >= 1) return [emit.zerosLike(context.input(0))];
    return [emit.mul(emit.mul(context.gradOut, emit.mask(context.output(1))), emit.float(1 / (1 - ratio)))];
  },
};
