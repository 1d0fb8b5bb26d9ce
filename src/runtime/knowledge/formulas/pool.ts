import type { LayerReport, PoolSpec } from './layer-spec';
import { dimensionNames, exampleInput } from './terms';
import { windowReport } from './sliding-window';

/** Pooling has no parameters; its window follows the convolution output formula (stride defaults to the window). */
export function poolReport(spec: PoolSpec): LayerReport {
  const names = dimensionNames(spec.kernel.length);
  const dimensions = names.map((name, index) => ({
    name,
    kernel: spec.kernel[index],
    stride: spec.stride[index],
    dilation: spec.dilation[index],
    pad: spec.padding.kind === 'explicit' ? spec.padding.amounts[index] : 0,
  }));
  const exampleSize = spec.inputSize ?? exampleInput(names.length);
  return { parameters: 0, parameterText: `0 parameters (${spec.operation} pooling has no weights)`, ...windowReport(dimensions, spec.padding, spec.ceilMode, exampleSize) };
}
