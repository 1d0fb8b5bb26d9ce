import * as path from 'node:path';

/** The read-only shared data (models, images, conformance tests) that lives beside the repository. */
export const sharedDir = process.env.CNN_STUDIO_SHARED ?? path.resolve(__dirname, '../../../../shared');
export const sharedModelsDir = path.join(sharedDir, 'models');
export const sharedImagesDir = path.join(sharedDir, 'images');
export const onnxBackendTestsDir = path.join(sharedDir, 'onnx-backend-tests');

export function sharedModel(name: string): string {
  return path.join(sharedModelsDir, name);
}

export function sharedImage(name: string): string {
  return path.join(sharedImagesDir, name);
}
