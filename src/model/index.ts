export * from './format.js';
export * from './errors.js';
export * from './load.js';
export * from './save.js';
export * from './geometry.js';
export * from './npy.js';
