/**
 * Window geometry shared by convolutions and pools (docs/model-format.md, "Padding"): TensorFlow/Keras
 * rules. `valid`: out = floor((L - K) / s) + 1. `same`: out = ceil(L / s), total padding
 * max((out - 1)·s + K - L, 0), of which floor(total / 2) goes before and the rest after.
 */
import type { Padding } from './format.js';

export interface AxisWindow {
  readonly out: number;
  /** Padding positions before the first input element. */
  readonly padBefore: number;
}

/** Output length and leading padding of one axis; out = 0 when the window does not fit. */
export function axisWindow(length: number, kernel: number, stride: number, padding: Padding): AxisWindow {
  if (padding === 'valid') {
    return { out: length >= kernel ? Math.floor((length - kernel) / stride) + 1 : 0, padBefore: 0 };
  }
  const out = Math.ceil(length / stride);
  const total = Math.max((out - 1) * stride + kernel - length, 0);
  return { out, padBefore: Math.floor(total / 2) };
}

/**
 * For every output position (row-major over the spatial axes) and every window offset (row-major over
 * the kernel axes, then input channel), the flat input index, or -1 for a padding position.
 * `inShape` is [...spatial, C]; the result has positions × (prod(kernel) · C) entries.
 */
export function windowIndex(
  inShape: readonly number[],
  kernel: readonly number[],
  strides: readonly number[],
  padding: Padding,
): { positions: number; patch: number; outSpatial: number[]; index: Int32Array } {
  const rank = kernel.length;
  const C = inShape[rank]!;
  const axes = kernel.map((k, a) => axisWindow(inShape[a]!, k, strides[a]!, padding));
  const outSpatial = axes.map((a) => a.out);
  const positions = outSpatial.reduce((p, d) => p * d, 1);
  const kSize = kernel.reduce((p, d) => p * d, 1);
  const patch = kSize * C;
  const index = new Int32Array(positions * patch);
  const pos = new Array<number>(rank).fill(0);
  const off = new Array<number>(rank).fill(0);
  for (let p = 0; p < positions; p++) {
    let rem = p;
    for (let a = rank - 1; a >= 0; a--) {
      pos[a] = rem % outSpatial[a]!;
      rem = Math.floor(rem / outSpatial[a]!);
    }
    for (let k = 0; k < kSize; k++) {
      let r = k;
      for (let a = rank - 1; a >= 0; a--) {
        off[a] = r % kernel[a]!;
        r = Math.floor(r / kernel[a]!);
      }
      let flat = 0;
      let inside = true;
      for (let a = 0; a < rank; a++) {
        const x = pos[a]! * strides[a]! + off[a]! - axes[a]!.padBefore;
        if (x < 0 || x >= inShape[a]!) inside = false;
        flat = flat * inShape[a]! + x;
      }
      for (let c = 0; c < C; c++) index[p * patch + k * C + c] = inside ? flat * C + c : -1;
    }
  }
  return { positions, patch, outSpatial, index };
}
