/** How an image becomes a model input tensor. Every field is shown to (and editable by) the user. */
export type ResizeMode = 'stretch' | 'center-crop' | 'letterbox';
export type ChannelOrder = 'rgb' | 'bgr' | 'gray';
export type Layout = 'nchw' | 'nhwc';
/** The range pixels are scaled to before mean/std: 0-1 (x/255), 0-255 (raw) or -1-1 (x/127.5 - 1). */
export type ValueRange = '0-1' | '0-255' | '-1-1';

export interface Preprocessing {
  /** [height, width] of the model input. */
  size: [number, number];
  resize: ResizeMode;
  channels: ChannelOrder;
  layout: Layout;
  range: ValueRange;
  /** Per channel (or one value for all), in the units of `range`. */
  mean: number[];
  std: number[];
  /** Name of the preset it matches, if any. */
  preset?: string;
  /** Why this preprocessing was chosen (guess rule, sidecar file, flags). */
  source?: string;
}
