import type { LayerReport, TensorsSpec } from './layer-spec';
import { formatCount, formatTerm, isNumber, product } from './terms';

/** Parameters as the sum of a few named tensors: "128 parameters: weight 64 + bias 64". */
export function tensorsReport(spec: TensorsSpec): LayerReport {
  const { outputFormulas, example } = spec;
  if (spec.tensors.length === 0) return { parameters: 0, parameterText: '0 parameters', outputFormulas, example };
  const sizes = spec.tensors.map((tensor) => product(tensor.shape));
  const shapeText = (shape: TensorsSpec['tensors'][number]['shape']) => shape.map(formatTerm).join('×');
  if (sizes.every(isNumber)) {
    const total = (sizes as number[]).reduce((sum, size) => sum + size, 0);
    const parts = spec.tensors.map((tensor, index) => `${tensor.name} ${tensor.shape.length > 1 ? `${shapeText(tensor.shape)} = ` : ''}${formatCount(sizes[index] as number)}`);
    return { parameters: total, parameterText: `${formatCount(total)} parameters: ${parts.join(' + ')}`, outputFormulas, example };
  }
  return { parameterText: `parameters = ${spec.tensors.map((tensor) => shapeText(tensor.shape).replace(/×/g, '·')).join(' + ')}`, outputFormulas, example };
}
