/** hlsq's public API. */
export * from './emulator/index.js';
export * from './model/index.js';
export * from './quantizers/index.js';
export * from './import/index.js';
export * from './codegen/index.js';
