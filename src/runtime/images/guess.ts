import type { ModelInputFacts } from './model-input';
import { applyPreset, type PresetName } from './presets';
import type { Layout, Preprocessing } from './types';

const DEFAULT_SIZE = 224;

function positive(dim: number | string | null | undefined): number | undefined {
  return typeof dim === 'number' && dim > 0 ? dim : undefined;
}

function guessLayout(dims: ModelInputFacts['dims']): Layout {
  if (dims.length !== 4) return 'nchw';
  const second = positive(dims[1]);
  const last = positive(dims[3]);
  if (last !== undefined && (last === 1 || last === 3) && !(second === 1 || second === 3)) return 'nhwc';
  return 'nchw';
}

/** The value range an ONNX model declares in its metadata (Windows ML image metadata), if any. */
function declaredRange(metadata: Record<string, string>): PresetName | undefined {
  switch (metadata['Image.NominalPixelRange']) {
    case 'NominalRange_0_255':
    case 'NominalRange_16_235':
      return 'raw';
    case 'Normalized_0_1':
      return 'unit';
    case 'Normalized_1_1':
      return 'symmetric';
    default:
      return undefined;
  }
}

const integerTypes = /^u?int(8|16|32|64)$/;

/** Whether the input's element type holds only integers (normalized floats would be truncated to nothing). */
export function isIntegerInput(dtype: string): boolean {
  return integerTypes.test(dtype);
}

/**
 * Guesses how to feed images to a model, and says why. The rules, first match wins:
 * 0. an integer input (uint8, int32…, as pose and detection models exported with their preprocessing inside have)
 *    → raw 0-255 pixels: the only values of the guesses that such an input can hold;
 * 1. the model's metadata declares the pixel range (Image.NominalPixelRange) → that range, BGR when Image.BitmapPixelFormat says Bgr8;
 * 2. the model was converted from Caffe/Caffe2 (producer "onnx-caffe2", "caffe2"…) → raw 0-255 pixels, no mean/std
 *    (the Caffe2 model zoo's convention, e.g. SqueezeNet 1.0);
 * 3. one input channel → grayscale in [0, 1];
 * 4. otherwise → ImageNet mean/std on [0, 1] RGB, the convention of torchvision and Keras applications exports.
 * Color images are center-cropped, grayscale ones stretched.
 * Size and layout come from the input shape (NHWC when the last dim is 1 or 3 and the second is not); unknown spatial dims → 224.
 */
export function guessPreprocessing(facts: ModelInputFacts): Preprocessing {
  const layout = guessLayout(facts.dims);
  const [channelDim, heightDim, widthDim] = layout === 'nchw' ? [facts.dims[1], facts.dims[2], facts.dims[3]] : [facts.dims[3], facts.dims[1], facts.dims[2]];
  const channelCount = positive(channelDim) ?? 3;
  const size: [number, number] = [positive(heightDim) ?? DEFAULT_SIZE, positive(widthDim) ?? DEFAULT_SIZE];
  const pixelFormat = facts.metadata['Image.BitmapPixelFormat'];
  const channels = channelCount === 1 ? 'gray' : pixelFormat === 'Bgr8' || pixelFormat === 'Bgra8' ? 'bgr' : 'rgb';
  const base: Preprocessing = { size, resize: channelCount === 3 ? 'center-crop' : 'stretch', channels, layout, range: '0-1', mean: [0], std: [1] };

  if (isIntegerInput(facts.dtype)) {
    return { ...applyPreset(base, 'raw'), source: `${facts.dtype} input: raw 0-255 pixels (an integer tensor cannot hold normalized values)` };
  }
  const declared = declaredRange(facts.metadata);
  if (declared) {
    return { ...applyPreset(base, declared), source: `model metadata Image.NominalPixelRange=${facts.metadata['Image.NominalPixelRange']}` };
  }
  if (/caffe/i.test(facts.producer)) {
    return { ...applyPreset(base, 'raw'), source: `converted from Caffe/Caffe2 (producer "${facts.producer}"): raw 0-255 pixels, no mean/std` };
  }
  if (channelCount === 1) {
    const preset: PresetName = size[0] === 28 && size[1] === 28 ? 'grayscale-28' : 'unit';
    return { ...applyPreset(base, preset), source: 'one input channel: grayscale in [0, 1]' };
  }
  return { ...applyPreset(base, 'imagenet'), source: 'three input channels: ImageNet mean/std (torchvision/Keras convention)' };
}
