export * from './explainer';
export * from './methods';
export * from './overlay';
export * from './colormap';
export * from './target-layer';
export * from './tensor-math';
