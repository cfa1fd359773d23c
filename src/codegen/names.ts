/**
 * Generated names come from layer names (spec codegen §6): sanitised to C++ identifiers, unique, never a
 * keyword, never a name the generated code itself uses.
 */

const CPP_KEYWORDS = new Set(
  (
    'alignas alignof and and_eq asm auto bitand bitor bool break case catch char char16_t char32_t class compl const ' +
    'constexpr const_cast continue decltype default delete do double dynamic_cast else enum explicit export extern false ' +
    'float for friend goto if inline int long mutable namespace new noexcept not not_eq nullptr operator or or_eq private ' +
    'protected public register reinterpret_cast return short signed sizeof static static_assert static_cast struct switch ' +
    'template this thread_local throw true try typedef typeid typename union unsigned using virtual void volatile wchar_t ' +
    'while xor xor_eq main std hls hlsq ap_int ap_uint ap_fixed ap_ufixed'
  ).split(' '),
);

/** A C++ identifier for `name`: invalid characters become `_`, a leading digit gets `l_`. */
export function sanitize(name: string): string {
  // identifiers with a leading underscore may be reserved: drop it
  let s = name.replace(/[^A-Za-z0-9_]/g, '_').replace(/_+/g, '_').replace(/^_+/, '');
  if (s === '') s = 'layer';
  if (/^[0-9]/.test(s)) s = `l_${s}`;
  if (CPP_KEYWORDS.has(s)) s = `${s}_`;
  return s;
}

/** Assigns unique sanitised names in order; a clash gets `_2`, `_3`, ... */
export class NameTable {
  private readonly used = new Set<string>();
  private readonly byName = new Map<string, string>();

  constructor(reserved: Iterable<string> = []) {
    for (const r of reserved) this.used.add(r);
  }

  add(name: string): string {
    const existing = this.byName.get(name);
    if (existing !== undefined) return existing;
    const base = sanitize(name);
    let id = base;
    for (let k = 2; this.used.has(id); k++) id = `${base}_${k}`;
    this.used.add(id);
    this.byName.set(name, id);
    return id;
  }

  get(name: string): string {
    const id = this.byName.get(name);
    if (id === undefined) throw new RangeError(`no C++ name assigned to ${JSON.stringify(name)}`);
    return id;
  }
}
