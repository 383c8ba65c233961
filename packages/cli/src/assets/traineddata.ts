/**
 * Tesseract `.traineddata` container handling.
 *
 * The container is a little-endian int32 count N followed by N int64 offsets (one per component
 * type, -1 when absent), then the components back to back in type order. A component runs from
 * its offset to the next present component's offset (or the end of the file). Tesseract's own
 * `combine_tessdata -e/-o` does the same walk; we re-implement only this table surgery, no
 * decoding of the components themselves.
 */
import { DualrecError } from '@dualrec/evidence';

/** Component types in Tesseract's TessdataType order (tessdatamanager.h). */
export const TESSDATA_COMPONENTS = [
  'config',
  'unicharset',
  'unicharambigs',
  'inttemp',
  'pffmtable',
  'normproto',
  'punc-dawg',
  'word-dawg',
  'number-dawg',
  'freq-dawg',
  'fixed-length-dawgs',
  'cube-unicharset',
  'cube-word-dawg',
  'shapetable',
  'bigram-dawg',
  'unambig-dawg',
  'params-model',
  'lstm',
  'lstm-punc-dawg',
  'lstm-word-dawg',
  'lstm-number-dawg',
  'lstm-unicharset',
  'lstm-recoder',
  'version',
] as const;
export type TessdataComponent = (typeof TESSDATA_COMPONENTS)[number];

/** What the LSTM engine needs; the legacy engine's tables are dropped (tesseract.js LSTM-only core). */
export const LSTM_ONLY_COMPONENTS: readonly TessdataComponent[] = [
  'config',
  'lstm',
  'lstm-punc-dawg',
  'lstm-word-dawg',
  'lstm-number-dawg',
  'lstm-unicharset',
  'lstm-recoder',
  'version',
];

export interface TessdataEntry {
  component: TessdataComponent | `unknown-${number}`;
  offset: number;
  length: number;
}

function invalid(detail: string): DualrecError {
  return new DualrecError('ASSET_FORMAT_INVALID', { detail: `traineddata: ${detail}` });
}

/** Lists the components present in a traineddata file, validating the offset table. */
export function readTessdataTable(data: Uint8Array): TessdataEntry[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.byteLength < 4) throw invalid('file shorter than its header');
  const count = view.getInt32(0, true);
  // Real files have 24 entries; the format allows growth, but not by orders of magnitude.
  if (count < 1 || count > 256) throw invalid(`implausible component count ${count}`);
  const tableEnd = 4 + 8 * count;
  if (data.byteLength < tableEnd) throw invalid('file shorter than its offset table');
  const offsets: number[] = [];
  for (let i = 0; i < count; i++) {
    const raw = view.getBigInt64(4 + 8 * i, true);
    if (raw === -1n) {
      offsets.push(-1);
      continue;
    }
    if (raw < BigInt(tableEnd) || raw > BigInt(data.byteLength)) {
      throw invalid(`component ${i} offset ${raw} outside the file`);
    }
    offsets.push(Number(raw));
  }
  const entries: TessdataEntry[] = [];
  let previous = tableEnd;
  for (let i = 0; i < count; i++) {
    const offset = offsets[i] as number;
    if (offset < 0) continue;
    if (offset < previous) throw invalid(`component ${i} overlaps the one before it`);
    const next = offsets.slice(i + 1).find((o) => o >= 0) ?? data.byteLength;
    entries.push({
      component: TESSDATA_COMPONENTS[i] ?? `unknown-${i}`,
      offset,
      length: next - offset,
    });
    previous = offset;
  }
  return entries;
}

/** Returns a new traineddata holding only `keep` (same table size, other offsets set to -1). */
export function filterTessdata(data: Uint8Array, keep: readonly TessdataComponent[]): Uint8Array {
  const entries = readTessdataTable(data);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const count = view.getInt32(0, true);
  const kept = entries.filter((e) => (keep as readonly string[]).includes(e.component));
  const tableEnd = 4 + 8 * count;
  const total = tableEnd + kept.reduce((sum, e) => sum + e.length, 0);
  const out = new Uint8Array(total);
  const outView = new DataView(out.buffer);
  outView.setInt32(0, count, true);
  for (let i = 0; i < count; i++) outView.setBigInt64(4 + 8 * i, -1n, true);
  let position = tableEnd;
  for (const entry of kept) {
    const index = TESSDATA_COMPONENTS.indexOf(entry.component as TessdataComponent);
    outView.setBigInt64(4 + 8 * index, BigInt(position), true);
    out.set(data.subarray(entry.offset, entry.offset + entry.length), position);
    position += entry.length;
  }
  return out;
}
