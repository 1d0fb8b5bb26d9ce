import type { LayerReport, LinearSpec } from './layer-spec';
import { formatCount, formatTerm, isNumber } from './terms';

/** Fully connected layer: weight out × in (PyTorch; Keras stores in × out) plus one bias per output. */
export function linearReport(spec: LinearSpec): LayerReport {
  const { inFeatures, outFeatures, bias, convention } = spec;
  const outputFormulas = [`(…, ${formatTerm(inFeatures)}) → (…, ${formatTerm(outFeatures)})`];
  if (bias === 'unknown') {
    return { parameterText: `parameters = ${formatTerm(inFeatures)}·${formatTerm(outFeatures)} + ${formatTerm(outFeatures)} if bias`, outputFormulas };
  }
  if (isNumber(inFeatures) && isNumber(outFeatures)) {
    const weight = inFeatures * outFeatures;
    const total = weight + (bias ? outFeatures : 0);
    const biasText = bias ? ` + bias ${formatCount(outFeatures)}` : ' (no bias)';
    return { parameters: total, parameterText: `${formatCount(total)} parameters: weight ${convention === 'torch' ? `${outFeatures}×${inFeatures}` : `${inFeatures}×${outFeatures}`} = ${formatCount(weight)}${biasText}`, outputFormulas };
  }
  const biasText = bias ? ` + ${formatTerm(outFeatures)}` : '';
  return { parameterText: `parameters = ${formatTerm(inFeatures)}·${formatTerm(outFeatures)}${biasText}`, outputFormulas };
}
