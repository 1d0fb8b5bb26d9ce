import { absGradient } from './abs';
import { addGradient } from './add';
import { averagePoolGradient } from './average-pool';
import { batchNormalizationGradient } from './batch-normalization';
import { castGradient } from './cast';
import { clipGradient } from './clip';
import { concatGradient } from './concat';
import { convGradient } from './conv';
import { convTransposeGradient } from './conv-transpose';
import { divGradient } from './div';
import { dropoutGradient } from './dropout';
import { expGradient } from './exp';
import { expandGradient } from './expand';
import { gemmGradient } from './gemm';
import { globalAveragePoolGradient } from './global-average-pool';
import { globalMaxPoolGradient } from './global-max-pool';
import { hardSigmoidGradient } from './hard-sigmoid';
import { hardSwishGradient } from './hard-swish';
import { identityGradient } from './identity';
import { instanceNormalizationGradient } from './instance-normalization';
import { leakyReluGradient } from './leaky-relu';
import { logGradient } from './log';
import { logSoftmaxGradient } from './log-softmax';
import { matMulGradient } from './matmul';
import { maxPoolGradient } from './max-pool';
import { mulGradient } from './mul';
import { negGradient } from './neg';
import { padGradient } from './pad';
import { powGradient } from './pow';
import { preluGradient } from './prelu';
import { reduceMeanGradient, reduceSumGradient } from './reduce';
import { reluGradient } from './relu';
import { reshapeGradient } from './reshape';
import { resizeGradient } from './resize';
import { sigmoidGradient } from './sigmoid';
import { sliceGradient } from './slice';
import { softmaxGradient } from './softmax';
import { splitGradient } from './split';
import { sqrtGradient } from './sqrt';
import { subGradient } from './sub';
import { sumGradient } from './sum';
import { tanhGradient } from './tanh';
import { transposeGradient } from './transpose';
import type { GradientRuleEntry } from './types';
import { quantizeLinearGradient } from './quantize-linear';
import { dequantizeLinearGradient } from './dequantize-linear';

/** Gradient rules by operator type (default ONNX domain). */
export const gradientRules: Record<string, GradientRuleEntry> = {
  Abs: absGradient,
  Add: addGradient,
  AveragePool: averagePoolGradient,
  BatchNormalization: batchNormalizationGradient,
  Cast: castGradient,
  Clip: clipGradient,
  Concat: concatGradient,
  Conv: convGradient,
  ConvTranspose: convTransposeGradient,
  Div: divGradient,
  Dropout: dropoutGradient,
  Exp: expGradient,
  Expand: expandGradient,
  Flatten: reshapeGradient,
  Gemm: gemmGradient,
  GlobalAveragePool: globalAveragePoolGradient,
  GlobalMaxPool: globalMaxPoolGradient,
  HardSigmoid: hardSigmoidGradient,
  HardSwish: hardSwishGradient,
  Identity: identityGradient,
  InstanceNormalization: instanceNormalizationGradient,
  LeakyRelu: leakyReluGradient,
  Log: logGradient,
  LogSoftmax: logSoftmaxGradient,
  MatMul: matMulGradient,
  MaxPool: maxPoolGradient,
  Mul: mulGradient,
  Neg: negGradient,
  Pad: padGradient,
  Pow: powGradient,
  PRelu: preluGradient,
  ReduceMean: reduceMeanGradient,
  ReduceSum: reduceSumGradient,
  Relu: reluGradient,
  Reshape: reshapeGradient,
  Resize: resizeGradient,
  Sigmoid: sigmoidGradient,
  Slice: sliceGradient,
  Softmax: softmaxGradient,
  Split: splitGradient,
  Sqrt: sqrtGradient,
  Squeeze: reshapeGradient,
  Sub: subGradient,
  Sum: sumGradient,
  Tanh: tanhGradient,
  Transpose: transposeGradient,
  Unsqueeze: reshapeGradient,
  QuantizeLinear: quantizeLinearGradient,
  DequantizeLinear: dequantizeLinearGradient,
};
