/** Typed access to a node's attributes, with errors that name the node. */
import { UnsupportedError } from '../errors.js';
import type { AttrValue, OnnxNode } from '../onnx.js';

export function attr<T extends AttrValue>(
  node: OnnxNode,
  name: string,
  check: (v: AttrValue) => v is T,
  expected: string,
  fallback: T,
): T {
  const v = node.attrs.get(name);
  if (v === undefined) return fallback;
  if (!check(v)) throw new UnsupportedError(node.name, node.opType, `attribute ${name} = ${JSON.stringify(v)}`, expected);
  return v;
}

const isNum = (v: AttrValue): v is number => typeof v === 'number';
const isStr = (v: AttrValue): v is string => typeof v === 'string';
const isNums = (v: AttrValue): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');

export const attrInt = (node: OnnxNode, name: string, fallback: number): number => attr(node, name, isNum, 'an integer', fallback);
export const attrFloat = (node: OnnxNode, name: string, fallback: number): number => attr(node, name, isNum, 'a number', fallback);
export const attrStr = (node: OnnxNode, name: string, fallback: string): string => attr(node, name, isStr, 'a string', fallback);
export const attrInts = (node: OnnxNode, name: string, fallback: number[]): number[] => attr(node, name, isNums, 'a list of integers', fallback);

/** Refuse attributes the importer does not interpret, naming them. */
export function onlyAttrs(node: OnnxNode, known: readonly string[]): void {
  for (const k of node.attrs.keys()) {
    if (!known.includes(k)) {
      throw new UnsupportedError(node.name, node.opType, `attribute ${k} is not supported`, known.length ? `attributes ${known.join(', ')}` : 'no attributes');
    }
  }
}
