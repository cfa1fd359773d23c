/** Codegen pieces that need no compiler: names, reuse factors, code literals, golden formats, determinism. */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { cppCodeLiteral, cppTypeName } from '../../src/codegen/cppType.js';
import { goldenFiles, hexLines, packedLines, sha256 } from '../../src/codegen/golden.js';
import { NameTable, sanitize } from '../../src/codegen/names.js';
import { checkReuseFactor, isValidResourceReuse, validReuseFactors } from '../../src/codegen/reuse.js';
import { generateProject } from '../../src/codegen/build.js';
import { planProject } from '../../src/codegen/project.js';
import { hexChecksum } from '../../src/codegen/verilog.js';
import { InvalidArgumentError } from '../../src/emulator/errors.js';
import { FixedType, parseType } from '../../src/emulator/types.js';
import { fromHexBits } from '../../src/emulator/bits.js';
import { randomModel } from './randomModel.js';
import { resolved } from './support.js';

describe('names', () => {
  test('sanitised names are C++ identifiers, unique, and never keywords', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 8 }), { maxLength: 20 }), (names) => {
        const t = new NameTable(['top']);
        const ids = names.map((n) => t.add(`${n}#`));
        for (const id of ids) expect(id).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
        const distinct = new Set(names.map((n) => `${n}#`));
        expect(new Set(ids).size).toBe(distinct.size);
        expect(ids).not.toContain('top');
      }),
    );
    expect(sanitize('conv2d/1')).toBe('conv2d_1');
    expect(sanitize('1st')).toBe('l_1st');
    expect(sanitize('int')).toBe('int_');
  });
});

describe('reuse factor', () => {
  test('the resource rule (spec §5) on known cases', () => {
    expect(validReuseFactors(16, 64, 'resource')).toContain(16);
    expect(isValidResourceReuse(16, 64, 3)).toBe(false);
    expect(isValidResourceReuse(10, 5, 50)).toBe(true);
  });
  test('every listed value divides n_in*n_out and satisfies the rule; an invalid one is an error listing them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 400 }), (nIn, nOut, rf) => {
        const valid = validReuseFactors(nIn, nOut, 'resource');
        for (const v of valid) {
          expect((nIn * nOut) % v).toBe(0);
          expect(v < nIn || v % nIn === 0).toBe(true);
        }
        if (valid.includes(rf)) {
          expect(() => checkReuseFactor('d', nIn, nOut, rf, 'resource')).not.toThrow();
        } else {
          let err: unknown;
          try {
            checkReuseFactor('d', nIn, nOut, rf, 'resource');
          } catch (e) {
            err = e;
          }
          expect(err).toBeInstanceOf(InvalidArgumentError);
          expect((err as Error).message).toContain(`one of ${valid.join(', ')}`);
        }
      }),
    );
  });
  test('build refuses an invalid reuse factor with the valid list, never replaces it', () => {
    const m = resolved(randomModel(11, 1));
    const json = {
      format: 'hlsq-model',
      version: 1,
      name: 'rf',
      inputs: [{ name: 'x', shape: [4], type: 'ap_fixed<8,3>' }],
      layers: [{ name: 'd', kind: 'Dense', inputs: ['x'], weights: { shape: [4, 3], type: 'ap_fixed<4,1>', codes: [1, 2, 3, 4, 5, 6, 7, -8, 1, 2, 3, 4] }, result: 'ap_fixed<12,6>' }],
    };
    void m;
    expect(() => planProject(resolved(json), { version: '0', strategy: 'resource', reuseFactor: 5 })).toThrow(/reuse-factor.*got 5, expected one of 1, 2, 4, 12$/);
    expect(() => planProject(resolved(json), { version: '0', strategy: 'latency', reuseFactor: 5 })).toThrow(/one of 1, 2, 3, 4, 6, 12/);
    expect(planProject(resolved(json), { version: '0', strategy: 'resource', reuseFactor: 4 }).reuseFactor).toBe(4);
  });
});

describe('C++ spelling', () => {
  test('typedefs spell Q, O and N; codes are hex patterns, never decimals', () => {
    expect(cppTypeName(parseType('ap_fixed<8,3>'))).toBe('ap_fixed<8,3,AP_TRN,AP_WRAP,0>');
    expect(cppTypeName(parseType('ap_ufixed<18,1,AP_RND,AP_SAT>'))).toBe('ap_ufixed<18,1,AP_RND,AP_SAT,0>');
    expect(cppCodeLiteral(-1n, 6)).toBe('0x3f');
    expect(cppCodeLiteral(-1n, 40)).toBe('0xffffffffffULL');
    expect(cppCodeLiteral(5n, 70)).toBe('ap_uint<70>("000000000000000005", 16)');
  });
});

describe('golden files', () => {
  const t8 = parseType('ap_fixed<8,3,AP_RND,AP_SAT>') as FixedType;
  test('.hex is W-bit two\'s complement, ceil(W/4) digits, .dec the same codes, packed puts element 0 lowest', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.boolean(), fc.array(fc.bigInt({ min: -(1n << 80n), max: 1n << 80n }), { minLength: 6, maxLength: 6 }), (W, signed, raws) => {
        const t = new FixedType(W, 1, signed);
        const codes = raws.map((r) => (signed ? BigInt.asIntN(W, r) : BigInt.asUintN(W, r)));
        const hex = hexLines(codes, W).trimEnd().split('\n');
        expect(hex.every((h) => h.length === Math.ceil(W / 4) && /^[0-9a-f]+$/.test(h))).toBe(true);
        expect(hex.map((h) => fromHexBits(h, W, signed))).toEqual(codes);
        const packed = packedLines(codes, W, 3).trimEnd().split('\n');
        expect(packed.length).toBe(2);
        for (let s = 0; s < 2; s++) {
          const word = BigInt('0x' + packed[s]!);
          for (let e = 0; e < 3; e++) expect(BigInt.asUintN(W, word >> BigInt(e * W))).toBe(BigInt.asUintN(W, codes[s * 3 + e]!));
        }
        void t;
      }),
    );
  });
  test('manifest lists every tensor with its type, shape and the sha256 of the exact bytes', () => {
    const { files, manifest } = goldenFiles(
      [
        { name: 'x', role: 'input', port: 'x', shape: [2], type: t8, codes: [1n, -2n, 3n, -128n] },
        { name: 'y', role: 'output', port: 'y_out', shape: [1], type: t8, codes: [5n, 127n] },
        { name: 'y', role: 'trace', layer: 'y', shape: [1], type: t8, codes: [5n, 127n] },
      ],
      { top: 'demo', samples: 2, generatorVersion: '9.9.9', packed: true, prefix: 'tb_data/' },
    );
    expect(manifest).toMatchObject({ format: 'hlsq-golden', version: 1, generator: { name: 'hlsq', version: '9.9.9' }, top: 'demo', samples: 2 });
    expect(manifest.tensors[0]).toMatchObject({ name: 'x', role: 'input', shape: [2], type: { kind: 'ap_fixed', W: 8, I: 3, signed: true, Q: 'AP_RND', O: 'AP_SAT', N: 0 }, packing: 'element0-lsb' });
    expect(files.get('tb_data/x.hex')).toBe('01\nfe\n03\n80\n');
    expect(files.get('tb_data/x.dec')).toBe('1\n-2\n3\n-128\n');
    expect(files.get('tb_data/x_packed.hex')).toBe('fe01\n8003\n');
    for (const t of manifest.tensors) {
      expect(sha256(files.get(`tb_data/${t.files.hex}`)!)).toBe(t.sha256.hex);
      expect(sha256(files.get(`tb_data/${t.files.dec}`)!)).toBe(t.sha256.dec);
    }
    expect(manifest.trace[0]!.files.hex).toBe('trace/y.hex');
    expect(JSON.parse(files.get('tb_data/manifest.json')!)).toEqual(manifest);
    expect(hexChecksum('01\nfe\n03\n80\n', 8)).toBe(0x182n);
  });
});

describe('determinism', () => {
  test('two generations of the same model and options are byte-identical', () => {
    const m = resolved(randomModel(5, 4));
    const a = generateProject(m, 'm.json', { out: 'x', version: '1', samples: 16, seed: 3, trace: true });
    const b = generateProject(resolved(randomModel(5, 4)), 'other/dir/m.json', { out: 'y', version: '1', samples: 16, seed: 3, trace: true });
    expect([...a.files.keys()]).toEqual([...b.files.keys()]);
    for (const [k, v] of a.files) expect(b.files.get(k), k).toBe(v);
    const c = generateProject(m, 'm.json', { out: 'x', version: '1', samples: 16, seed: 4, trace: true });
    expect(c.files.get('tb_data/manifest.json')).not.toBe(a.files.get('tb_data/manifest.json'));
  });
  test('weights and tables are integer codes: no decimal float literal anywhere in the firmware', () => {
    const m = resolved(randomModel(6, 4));
    const { files } = generateProject(m, 'm.json', { out: 'x', version: '1', samples: 4 });
    for (const [k, v] of files) {
      if (!k.startsWith('firmware/weights/')) continue;
      const body = v.split('\n').filter((l) => !l.startsWith('//'));
      expect(body.join('\n')).not.toMatch(/\d\.\d|\de[+-]?\d/);
    }
  });
});

describe('per-channel constant types', () => {
  test('are held in one container type with every value unchanged, and the generator produces them', () => {
    let seen = 0;
    let positionLoops = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const m = resolved(randomModel(seed, 8));
      const { files } = generateProject(m, 'm.json', { out: 'x', version: '1', samples: 2 });
      const defines = files.get(`firmware/random_${seed}.h`) !== undefined ? files.get('firmware/defines.h')! : '';
      seen += (defines.match(/per-channel types/g) ?? []).length;
      for (const [k, v] of files) if (k.startsWith('firmware/layers/') && v.includes('PositionLoop')) positionLoops++;
    }
    expect(seen).toBeGreaterThan(0);
    // the generator also covers Dense on the last axis of a feature map
    expect(positionLoops).toBeGreaterThan(0);
    // and outputs that later layers read: computed into a local array, copied to the write-only port
    const top = generateProject(resolved(randomModel(1, 8)), 'm.json', { out: 'x', version: '1', samples: 2 }).files.get('firmware/random_1.cpp')!;
    expect(top).toMatch(/_local\[i\];/);
    const json = {
      format: 'hlsq-model',
      version: 1,
      name: 'pc',
      inputs: [{ name: 'x', shape: [2], type: 'ap_fixed<8,3>' }],
      layers: [{ name: 'd', kind: 'Dense', inputs: ['x'], weights: { shape: [2, 2], type: ['ap_ufixed<4,1>', 'ap_fixed<6,3>'], codes: [15, -32, 1, 31] }, result: 'ap_fixed<16,8>' }],
    };
    const plan = planProject(resolved(json), { version: '0' });
    const w = plan.layers[0]!.typedefs.find((t) => t.name === 'd_weight_t')!;
    // signed (one channel is), I = max(1 + 1, 3) = 3, F = max(3, 3) = 3
    expect(w.type.toString()).toBe('ap_fixed<6,3>');
    expect(w.comment).toContain('per-channel types ap_ufixed<4,1> | ap_fixed<6,3>');
    expect(plan.layers[0]!.arrays[0]!.codes).toEqual([15n, -32n, 1n, 31n]);
  });
});
