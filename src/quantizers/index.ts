/** The `quantizers`-compatible API (spec quantizers.md). */
export * from './errors.js';
export * from './modes.js';
export * from './ndarray.js';
export { rne, fmodFloor, compatFixed } from './fixedCompat.js';
export { checkKIF, fixedExact, fixedExactCode, fixedExactFloat, scaledBigIntToNumber } from './fixedExact.js';
export type { KIF } from './fixedExact.js';
export * from './fixed.js';
export * from './minifloat.js';
export * from './binary.js';
export * from './vectors.js';
export * from './random.js';
export * from './differentiable.js';
export * from './stateful.js';
export { oracleFixedCode } from './oracle.js';
export * from './diff.js';
