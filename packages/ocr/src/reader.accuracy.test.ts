/**
 * Accuracy on generated specimen cards (test/fixtures/id-card), ≥20 per variant, fixed seed, with
 * the real tesseract.js workers and the self-hosted language files from `dualrec assets`.
 * Bars from issue 7: ID number exact 100% clean / ≥95% photo-like; all front fields exact ≥90%
 * clean / ≥60% photo-like; and never a wrong number that passes validation. The other variants'
 * bars sit a margin below what was measured (docs/id-card-ocr.md has the numbers), so a
 * regression fails the test.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactDate, dottedDate, type SpecimenIdentity } from '../../../test/fixtures/id-card/identity.js';
import { specimen } from '../../../test/fixtures/id-card/node.js';
import { SPECIMEN_NOW, type Variant } from '../../../test/fixtures/id-card/specimen.js';
import { decodeImage } from './node/decode.js';
import { type CardReadResult, createOcrReader, type OcrReader } from './reader.js';

const REPO = resolve(import.meta.dirname, '../../..');
const LANG = resolve(REPO, 'assets-dist/tesseract/lang');
const SEED = 20261123;
const CARDS = 20;

/** [ID exact, all front fields exact] minimum shares per variant. */
const FRONT_BARS: Record<Variant, [number, number]> = {
  clean: [1, 0.9],
  rotation: [1, 0.9],
  perspective: [1, 0.85],
  // Heavy blur (σ ≈ 2.2 px on a 1200 px card) defeats chi_sim on names and addresses; the capture
  // guide refuses such frames as "blurry". The number still reads, and must never pass wrongly.
  blur: [0.95, 0.2],
  jpeg60: [1, 0.8],
  'uneven-light': [1, 0.8],
  '640px': [0.95, 0.85],
  'photo-like': [0.95, 0.6],
};

const iso = (d: { year: number; month: number; day: number }) => dottedDate(d).replaceAll('.', '-');

function frontMatches(r: CardReadResult, id: SpecimenIdentity) {
  if (!r.found || r.side !== 'front') return { found: false, id: false, all: false, wrong: [] as string[] };
  const f = r.fields;
  const expected = {
    name: id.name,
    sex: id.sex,
    ethnicity: id.ethnicity,
    birthDate: iso(id.birthDate),
    address: id.addressLines.join(''),
    idNumber: id.idNumber,
  };
  const wrong = Object.entries(expected)
    .filter(([k, v]) => f[k as keyof typeof f].value !== v)
    .map(([k, v]) => `${k}: ${JSON.stringify(f[k as keyof typeof f].value)} ≠ ${v}`);
  return { found: true, id: f.idNumber.value === id.idNumber, all: wrong.length === 0, wrong };
}

let reader: OcrReader;
const report: Record<string, unknown> = {};

beforeAll(async () => {
  reader = createOcrReader({ tesseract: { langPath: LANG }, clock: () => SPECIMEN_NOW });
  await reader.ready();
}, 60_000);

afterAll(async () => {
  await reader?.close();
  writeFileSync(resolve(REPO, '.cache/ocr-accuracy.json'), `${JSON.stringify(report, null, 2)}\n`);
});

describe.sequential('front side accuracy', () => {
  for (const [variant, [idBar, allBar]] of Object.entries(FRONT_BARS) as [Variant, [number, number]][]) {
    it(`${variant}: ID exact ≥ ${idBar * 100}%, all fields ≥ ${allBar * 100}%, no wrong number passes`, async () => {
      let idOk = 0;
      let allOk = 0;
      let wrongButValid = 0;
      const times: number[] = [];
      const failures: string[] = [];
      for (let i = 0; i < CARDS; i++) {
        const s = await specimen(SEED, variant, i, 'front');
        const image = decodeImage(s.bytes);
        const started = performance.now();
        const r = await reader.read(image, { side: 'auto' });
        times.push(performance.now() - started);
        const m = frontMatches(r, s.identity);
        if (m.id) idOk++;
        if (m.all) allOk++;
        if (r.found && r.side === 'front' && !m.id && r.idNumberCheck.valid) wrongButValid++;
        if (!m.all) failures.push(`#${i} ${m.found ? m.wrong.join('; ') : 'no card / wrong side'}`);
      }
      times.sort((a, b) => a - b);
      const summary = {
        idExact: idOk / CARDS,
        allFieldsExact: allOk / CARDS,
        wrongButValid,
        medianMs: Math.round(times[Math.floor(CARDS / 2)] ?? 0),
        failures,
      };
      report[`front/${variant}`] = summary;
      console.log(`[accuracy] front/${variant}`, JSON.stringify(summary));
      expect(wrongButValid).toBe(0);
      expect(summary.idExact).toBeGreaterThanOrEqual(idBar);
      expect(summary.allFieldsExact).toBeGreaterThanOrEqual(allBar);
    }, 180_000);
  }
});

describe.sequential('back side accuracy', () => {
  for (const [variant, bar] of [
    ['clean', 0.9],
    ['photo-like', 0.6],
  ] as const) {
    it(`${variant}: issuer and validity exact ≥ ${bar * 100}%`, async () => {
      let ok = 0;
      const failures: string[] = [];
      for (let i = 0; i < CARDS; i++) {
        const s = await specimen(SEED, variant, i, 'back');
        const r = await reader.read(decodeImage(s.bytes), { side: 'auto' });
        const id = s.identity;
        if (!r.found || r.side !== 'back') {
          failures.push(`#${i} ${r.found ? 'read as front' : 'no card'}`);
          continue;
        }
        const until = id.validUntil === '长期' ? '长期' : iso(id.validUntil);
        const issuerOk = r.fields.issuer.value === id.issuer;
        const validityOk =
          r.fields.validity.value?.from === iso(id.validFrom) && r.fields.validity.value?.until === until;
        if (issuerOk && validityOk) ok++;
        else
          failures.push(
            `#${i} ${r.fields.issuer.value}|${r.fields.validity.text.trim()} vs ${id.issuer}|${compactDate(id.validFrom)}`,
          );
      }
      report[`back/${variant}`] = { exact: ok / CARDS, failures };
      console.log(`[accuracy] back/${variant}`, JSON.stringify({ exact: ok / CARDS, failures }));
      expect(ok / CARDS).toBeGreaterThanOrEqual(bar);
    }, 180_000);
  }
});
