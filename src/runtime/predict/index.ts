export * from './classify';
export * from './dense';
export * from './labels';
export * from './onnx-runtime';
export * from './png';
export * from './predictor';
