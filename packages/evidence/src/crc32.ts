/**
 * CRC-32 (ISO-HDLC, the ZIP checksum). Not a security measure: the verifier checks every entry's
 * CRC against its bytes (docs/bundle-format.md §2) so that no header field is left unconstrained
 * and a bundle `unzip -t` rejects is never called valid. Slicing-by-8 (eight 256-entry tables, eight
 * bytes per step), since it runs over every byte of the media while they are hashed.
 */
const TABLES = (() => {
  const tables = Array.from({ length: 8 }, () => new Int32Array(256));
  const t0 = tables[0] as Int32Array;
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    t0[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t0[n] as number;
    for (let k = 1; k < 8; k++) {
      c = (t0[c & 0xff] as number) ^ (c >>> 8);
      (tables[k] as Int32Array)[n] = c;
    }
  }
  return tables;
})();
const [T0, T1, T2, T3, T4, T5, T6, T7] = TABLES as [
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
];

/**
 * CRC-32 of `bytes`, continuing from `previous` (the CRC of the bytes before), so a stream can be
 * checked piece by piece: `crc32(b, crc32(a))` is `crc32(a ‖ b)`.
 *
 * @example
 * ```ts
 * let crc = 0;
 * for await (const chunk of stream) crc = crc32(chunk, crc);
 * ```
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let c = ~previous;
  let i = 0;
  const end8 = bytes.length - (bytes.length % 8);
  for (; i < end8; i += 8) {
    const a =
      c ^
      ((bytes[i] as number) |
        ((bytes[i + 1] as number) << 8) |
        ((bytes[i + 2] as number) << 16) |
        ((bytes[i + 3] as number) << 24));
    c =
      (T7[a & 0xff] as number) ^
      (T6[(a >>> 8) & 0xff] as number) ^
      (T5[(a >>> 16) & 0xff] as number) ^
      (T4[a >>> 24] as number) ^
      (T3[bytes[i + 4] as number] as number) ^
      (T2[bytes[i + 5] as number] as number) ^
      (T1[bytes[i + 6] as number] as number) ^
      (T0[bytes[i + 7] as number] as number);
  }
  for (; i < bytes.length; i++) c = (T0[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}
