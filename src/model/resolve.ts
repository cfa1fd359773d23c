/**
 * Element types of every tensor of a fully typed model: a list with one type (per tensor) or one per
 * channel (the last axis). Flatten/Reshape carry their input's types along with the elements.
 */
import type { FixedType } from '../emulator/types.js';
import { ModelFormatError, ModelUsageError } from './errors.js';
import { typeList, type Layer, type Model } from './format.js';

export type TensorTypes = readonly FixedType[];

export interface TensorInfo {
  readonly shape: readonly number[];
  readonly size: number;
  readonly channels: number;
  readonly types: TensorTypes;
}

function uniform(types: TensorTypes): TensorTypes {
  return types.every((t) => t.equals(types[0]!)) ? [types[0]!] : types;
}

/** Types of a reshaped tensor: element i has the type of old channel (i mod C_old). */
export function reshapeTypes(types: TensorTypes, newChannels: number, layer: string): TensorTypes {
  const u = uniform(types);
  if (u.length === 1) return u;
  const C = u.length;
  const out: FixedType[] = [];
  for (let c = 0; c < newChannels; c++) out.push(u[c % C]!);
  // Every element of new channel c' must share one old channel type: holds when C divides C_new.
  if (newChannels % C !== 0) {
    throw new ModelUsageError(
      `layer ${layer}: reshaping a tensor with ${C} per-channel types into ${newChannels} channels mixes types within a channel; give the producer a per-tensor result type`,
    );
  }
  return uniform(out);
}

/** The types of every tensor; every layer other than Flatten/Reshape must have its result type. */
export function tensorInfos(model: Model): Map<string, TensorInfo> {
  const infos = new Map<string, TensorInfo>();
  for (const inp of model.inputs) {
    if (!inp.type) throw new ModelUsageError(`input ${inp.name}: no type declared (a model without a declared input type is refused)`);
    infos.set(inp.name, info(inp.shape, [inp.type]));
  }
  model.layers.forEach((l, i) => {
    infos.set(l.name, info(l.shape, layerTypes(l, i, infos)));
  });
  return infos;
}

function info(shape: readonly number[], types: TensorTypes): TensorInfo {
  const size = shape.reduce((p, d) => p * d, 1);
  return { shape, size, channels: shape.length ? shape.at(-1)! : 1, types };
}

function layerTypes(l: Layer, index: number, infos: Map<string, TensorInfo>): TensorTypes {
  if (l.kind === 'Flatten' || l.kind === 'Reshape') {
    const src = infos.get(l.inputs[0]!)!;
    return reshapeTypes(src.types, l.shape.at(-1)!, l.name);
  }
  if (l.result === undefined) {
    throw new ModelFormatError(`layers[${index}].result`, `layer ${l.name} has no result type (run inferPrecision or freeze first)`);
  }
  return typeList(l.result);
}

/** The type of flat element i of a tensor. */
export function elementType(t: TensorInfo, i: number): FixedType {
  return t.types.length === 1 ? t.types[0]! : t.types[i % t.channels]!;
}
