/** hlsq's public API. */
export * from './emulator/index.js';
