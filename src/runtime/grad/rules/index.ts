import { addGradient, subGradient } from './add-sub';
import { castGradient } from './cast';
import { clipGradient } from './clip';
import { divGradient } from './div';
import { dropoutGradient } from './dropout';
import { gemmGradient } from './gemm';
import { hardSigmoidGradient } from './hard-sigmoid';
import { hardSwishGradient } from './hard-swish';
import { identityGradient } from './identity';
import { leakyReluGradient } from './leaky-relu';
import { logSoftmaxGradient } from './log-softmax';
import { matMulGradient } from './matmul';
import { mulGradient } from './mul';
import { preluGradient } from './prelu';
import { reluGradient } from './relu';
import { reshapeGradient } from './reshape';
import { sigmoidGradient } from './sigmoid';
import { softmaxGradient } from './softmax';
import { tanhGradient } from './tanh';
import type { GradientRuleEntry } from './types';

/** Gradient rules by operator type (default ONNX domain). */
export const gradientRules: Record<string, GradientRuleEntry> = {
  Add: addGradient,
  Cast: castGradient,
  Clip: clipGradient,
  Div: divGradient,
  Dropout: dropoutGradient,
  Flatten: reshapeGradient,
  Gemm: gemmGradient,
  HardSigmoid: hardSigmoidGradient,
  HardSwish: hardSwishGradient,
  Identity: identityGradient,
  LeakyRelu: leakyReluGradient,
  LogSoftmax: logSoftmaxGradient,
  MatMul: matMulGradient,
  Mul: mulGradient,
  PRelu: preluGradient,
  Relu: reluGradient,
  Reshape: reshapeGradient,
  Sigmoid: sigmoidGradient,
  Softmax: softmaxGradient,
  Squeeze: reshapeGradient,
  Sub: subGradient,
  Tanh: tanhGradient,
  Unsqueeze: reshapeGradient,
};
