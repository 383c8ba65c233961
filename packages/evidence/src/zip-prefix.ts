/**
 * The bytes of the bundle's ZIP profile (docs/bundle-format.md §2) that are fixed before an
 * entry's data is complete: the local file header (written before the data, sizes in the data
 * descriptor) and the data descriptor (written after it). With them a client can send the start of
 * a bundle — a recording entry's header and its sealed records as they are stored — while the
 * recording is still going (the live upload), and the bytes are exactly those `BundleWriter`
 * writes later (a test in @dualrec/capture checks it against the writer's output).
 */

const encoder = new TextEncoder();

/** Local file header of a stored entry with a data descriptor: 30 bytes + the ASCII name. */
export function zipLocalHeader(name: string): Uint8Array {
  const nameBytes = encoder.encode(name);
  const out = new Uint8Array(30 + nameBytes.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x04034b50, true); // signature
  view.setUint16(4, 20, true); // version needed
  view.setUint16(6, 0x0008, true); // flags: sizes in the data descriptor
  view.setUint16(8, 0, true); // stored
  view.setUint16(10, 0x0000, true); // time
  view.setUint16(12, 0x0021, true); // date 1980-01-01
  // crc-32, compressed and uncompressed size: 0 (in the data descriptor)
  view.setUint16(26, nameBytes.length, true);
  view.setUint16(28, 0, true); // extra field length
  out.set(nameBytes, 30);
  return out;
}

/** Data descriptor after an entry's data: signature, CRC-32, size, size (16 bytes). */
export function zipDataDescriptor(crc: number, size: number): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x08074b50, true);
  view.setUint32(4, crc >>> 0, true);
  view.setUint32(8, size, true);
  view.setUint32(12, size, true);
  return out;
}
