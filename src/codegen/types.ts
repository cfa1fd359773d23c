/**
 * The codegen IR: what every layer rule produces, independent of file layout. Rules fill these from the
 * model; emit.ts lays them out through the templates.
 */
import type { ApType, FixedType } from '../emulator/types.js';
import type { Layer } from '../model/format.js';

/** A tensor of the generated design: a C++ array of one element type. */
export interface Tensor {
  /** The model's tensor name (an input or a layer name). */
  readonly name: string;
  /** The C++ variable (top-level port or intermediate array). */
  readonly id: string;
  /** The sanitised tensor name (input or layer id): golden files are tb_data/<key>.hex. */
  readonly key: string;
  /** Its element typedef. */
  readonly typeName: string;
  readonly type: FixedType;
  readonly shape: readonly number[];
  readonly size: number;
  /**
   * The model's per-channel types (last axis; element e has type perChannel[e % length]) when `type` is
   * the container holding all of them exactly (container.ts); golden codes are the container's codes.
   */
  readonly perChannel?: readonly FixedType[];
}

export interface Typedef {
  readonly name: string;
  readonly type: ApType;
  /** One line: where the type comes from. */
  readonly comment: string;
}

/** Constant codes for weights/<layer>.h: ap_uint<width> patterns. */
export interface CodeArray {
  readonly name: string;
  readonly width: number;
  readonly codes: readonly bigint[];
  readonly comment: string;
}

export interface LayerCode {
  readonly layer: Layer;
  /** Sanitised layer name: the function name and the prefix of every derived name. */
  readonly id: string;
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly typedefs: readonly Typedef[];
  readonly arrays: readonly CodeArray[];
  /** The support-library headers used (file names in firmware/hlsq/). */
  readonly libraries: readonly string[];
  /** Lines inside `struct <id>_config { ... };` (empty: no config struct). */
  readonly config: readonly string[];
  /** Lines of the layer function's body (after INLINE off). */
  readonly body: readonly string[];
  /** One line for the header comment and the build summary. */
  readonly summary: string;
  /** Multiplications per inference (zero weights excluded), for the report and the unroll warning. */
  readonly multiplications: number;
  /**
   * io_stream only: a kernel that consumes its input word by word and writes its output words itself
   * (a line buffer, never the whole input). Without it, the stream wrapper reads the whole input into an
   * array, runs `body` and writes the output.
   */
  readonly stream?: StreamKernel;
}

export interface StreamKernel {
  /** Support-library headers of the streaming kernel (file names in firmware/hlsq/). */
  readonly libraries: readonly string[];
  /** Config lines the streaming kernel needs in addition to `config`. */
  readonly config: readonly string[];
  /**
   * The call, reading `in_stream` and writing `out_stream`; with `perWord`, a statement computing the
   * output word `result` from the input word `word` (several inputs: `word0`, `word1`, ...), which the
   * wrapper runs once per position (one statement per line).
   */
  readonly call: string;
  readonly perWord?: boolean;
  /** Initiation interval of the per-word loop (default 1). */
  readonly interval?: number;
}
