import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DualrecError, isDualrecError } from '@dualrec/evidence';
import type { CardReadResult } from '@dualrec/ocr';
import { readImageFile } from '@dualrec/ocr/node';
import { type Command, EXIT, parseCommandArgs } from '../io.js';
import { openCliOcrReader, parseEngine } from './ocr-engine.js';

const usage = `Usage: dualrec ocr-eval DIR [--engine paddle|tesseract] [--json] [options]

Measures the ID-card reader on a folder of photos with known contents: DIR holds the images and
truth.json, a list of

  { "file": "0001.jpg", "side": "front", "name": "…", "sex": "男", "ethnicity": "汉",
    "birth": "1990-01-02", "address": "…", "id": "…" }
  { "file": "0002.jpg", "side": "back", "issuer": "…", "validity": "2015.03.01-2035.03.01" }

(any field may be left out: it is then not scored; "validity" ends in 长期 for a long-term card).
Prints, per field, the share of cards where the value read is exactly the truth; how many wrong
ID numbers were reported valid (must be 0); and the median and 95th-percentile read time.
The photos never leave this machine; keep real people's cards out of any repository.

Exit status: 0 when the evaluation ran and no wrong number was reported valid, 1 when one was,
2 on bad usage or an unreadable truth.json.

Options:
  --engine NAME   paddle (default, as the SDK) or tesseract
  --json          print the summary and every miss as JSON
  --assets DIR    output folder of "dualrec assets" (default: assets-dist)
  --now ISO-DATE  the clock for expiry and birth-date checks (default: now)
`;

const FRONT_KEYS = ['name', 'sex', 'ethnicity', 'birth', 'address', 'id'] as const;
const BACK_KEYS = ['issuer', 'validity'] as const;
type FieldKey = (typeof FRONT_KEYS)[number] | (typeof BACK_KEYS)[number];

export interface TruthEntry {
  file: string;
  side: 'front' | 'back';
  name?: string;
  sex?: string;
  ethnicity?: string;
  birth?: string;
  address?: string;
  id?: string;
  issuer?: string;
  validity?: string;
}

function parseTruth(text: string, path: string): TruthEntry[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new DualrecError('BAD_USAGE', { detail: `${path} is not JSON`, cause });
  }
  if (!Array.isArray(value) || value.length === 0)
    throw new DualrecError('BAD_USAGE', { detail: `${path} must be a non-empty array of entries` });
  return value.map((entry, i) => {
    const e = entry as TruthEntry;
    if (typeof e?.file !== 'string' || e.file.includes('..') || (e.side !== 'front' && e.side !== 'back'))
      throw new DualrecError('BAD_USAGE', {
        detail: `${path} entry ${i}: needs "file" (inside DIR) and "side" (front or back)`,
      });
    for (const key of [...FRONT_KEYS, ...BACK_KEYS])
      if (e[key] !== undefined && typeof e[key] !== 'string')
        throw new DualrecError('BAD_USAGE', { detail: `${path} entry ${i}: "${key}" must be a string` });
    return e;
  });
}

const squash = (s: string) => s.replace(/\s+/g, '');

/** What the reader made of each scored field, in truth.json's notation. */
function readValues(result: CardReadResult): Partial<Record<FieldKey, string | null>> {
  if (!result.found) return {};
  if (result.side === 'front') {
    const f = result.fields;
    return {
      name: f.name.value,
      sex: f.sex.value,
      ethnicity: f.ethnicity.value,
      birth: f.birthDate.value,
      address: f.address.value,
      id: f.idNumber.value,
    };
  }
  const v = result.fields.validity.value;
  const dotted = (iso: string) => (iso === '长期' ? iso : iso.replaceAll('-', '.'));
  return { issuer: result.fields.issuer.value, validity: v ? `${dotted(v.from)}-${dotted(v.until)}` : null };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

export interface EvalSummary {
  engine: string;
  cards: number;
  fields: Record<string, { exact: number; scored: number; rate: number }>;
  wrongNumberReportedValid: number;
  notFound: number;
  medianMs: number;
  p95Ms: number;
  misses: { file: string; field: string; expected: string; read: string | null }[];
}

export const ocrEvalCommand: Command = {
  summary: 'measure the ID-card reader on a folder of photos with a truth.json',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs({
      args,
      options: {
        engine: { type: 'string' },
        json: { type: 'boolean' },
        assets: { type: 'string' },
        now: { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new DualrecError('BAD_USAGE', { detail: 'expected exactly one DIR' });
    const dir = resolve(positionals[0] as string);
    const engine = parseEngine(values.engine);
    const now = values.now ? new Date(values.now) : new Date();
    if (Number.isNaN(now.getTime()))
      throw new DualrecError('BAD_USAGE', { detail: `--now "${values.now}" is not a date` });
    const truthPath = resolve(dir, 'truth.json');
    let truthText: string;
    try {
      truthText = await readFile(truthPath, 'utf8');
    } catch (cause) {
      throw new DualrecError('BAD_USAGE', {
        detail: `cannot read ${truthPath}: ${(cause as Error).message}`,
        cause,
      });
    }
    const truth = parseTruth(truthText, truthPath);

    const reader = openCliOcrReader({ engine, assets: values.assets, now });
    const counts = new Map<string, { exact: number; scored: number }>();
    const times: number[] = [];
    const misses: EvalSummary['misses'] = [];
    let wrongValid = 0;
    let notFound = 0;
    try {
      await reader.ready();
      for (const entry of truth) {
        let result: CardReadResult | undefined;
        try {
          result = await reader.read(await readImageFile(resolve(dir, entry.file)), { side: entry.side });
          times.push(result.timings.totalMs);
        } catch (error) {
          if (!isDualrecError(error) || !error.code.startsWith('OCR_IMAGE_')) throw error;
          io.stderr.write(`dualrec ocr-eval: ${entry.file}: [${error.code}] ${error.message}\n`);
        }
        if (!result?.found) notFound++;
        const read = result ? readValues(result) : {};
        for (const key of entry.side === 'front' ? FRONT_KEYS : BACK_KEYS) {
          const expected = entry[key];
          if (expected === undefined) continue;
          const c = counts.get(key) ?? { exact: 0, scored: 0 };
          c.scored++;
          const got = read[key] ?? null;
          if (got !== null && squash(got) === squash(expected)) c.exact++;
          else misses.push({ file: entry.file, field: key, expected, read: got });
          counts.set(key, c);
        }
        if (
          result?.found &&
          result.side === 'front' &&
          entry.id !== undefined &&
          result.idNumberCheck.valid &&
          result.fields.idNumber.value !== entry.id
        )
          wrongValid++;
      }
    } finally {
      await reader.close();
    }
    times.sort((a, b) => a - b);
    const summary: EvalSummary = {
      engine,
      cards: truth.length,
      fields: Object.fromEntries(
        [...counts].map(([k, c]) => [k, { ...c, rate: c.scored ? c.exact / c.scored : 0 }]),
      ),
      wrongNumberReportedValid: wrongValid,
      notFound,
      medianMs: Math.round(quantile(times, 0.5)),
      p95Ms: Math.round(quantile(times, 0.95)),
      misses,
    };
    if (values.json) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      io.stdout.write(`engine ${engine}, ${truth.length} cards (${notFound} without a card found)\n`);
      for (const [key, c] of Object.entries(summary.fields))
        io.stdout.write(
          `  ${key.padEnd(10)} ${(c.rate * 100).toFixed(1).padStart(5)}%  (${c.exact}/${c.scored})\n`,
        );
      io.stdout.write(`wrong number reported valid: ${wrongValid}\n`);
      io.stdout.write(`time per card: median ${summary.medianMs} ms, p95 ${summary.p95Ms} ms\n`);
    }
    return wrongValid === 0 ? EXIT.ok : EXIT.failed;
  },
};
