export * from './errors.js';
export * from './tensor.js';
export * from './onnx.js';
export * from './npz.js';
export * from './qonnx/index.js';
