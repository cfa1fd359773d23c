/** QONNX import: ONNX reading, the QONNX reference evaluator, lowering to hlsq models, .npz archives. */
export * from './errors.js';
export { readOnnx, decodeTensor, type OnnxGraph, type OnnxNode, type OnnxValueInfo, type AttrValue } from './onnx.js';
export type { Tensor, ElemKind } from './tensor.js';
export { readZip, parseNpz, readNpz } from './npz.js';
export * from './qonnx/index.js';
