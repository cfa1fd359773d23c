export * from './errors.js';
export * from './types.js';
export * from './bits.js';
export * from './quantization.js';
export * from './overflow.js';
export * from './convert.js';
export * from './value.js';
