/** Golden-vector records the vector tests share, written out by hand so each field can be checked. */

/** A correct int_add record: ap_int<8> -1 + 1 = 0 (9-bit result), and the compound `a += b` = 0. */
export function intAddRecord(id: string) {
  return {
    op: 'int_add',
    id,
    a: { type: { k: 'int', w: 8, s: true }, bits: 'ff' },
    b: { type: { k: 'int', w: 8, s: true }, bits: '01' },
    rtype: { k: 'int', w: 9, s: true },
    out: { bits: '000' },
    compound: { bits: '00' },
  };
}
