import { resolve } from 'node:path';
import { DualrecError, isDualrecError } from '@dualrec/evidence';
import type { CardReadResult, OcrField } from '@dualrec/ocr';
import { readImageFile } from '@dualrec/ocr/node';
import { type Command, type CommandIo, EXIT, parseCommandArgs } from '../io.js';
import { openCliOcrReader, parseEngine } from './ocr-engine.js';

const usage = `Usage: dualrec ocr IMAGE [--side front|back|auto] [--json] [options]

Reads a PRC resident ID card (second generation) from a PNG or JPEG photo, on this machine, with
the self-hosted models: PP-OCR (default) or tesseract.js. Prints each field with its confidence
and whether it is machine-verified, needs the applicant's confirmation, or is invalid.

Exit status: 0 when the ID number validates (back side: when no field is invalid),
1 when it does not, 2 when the image is unreadable or shows no card (or on bad usage).

Options:
  --side SIDE     front, back or auto (default: auto, told apart by the card's labels
                  (PP-OCR) or its emblem (tesseract))
  --engine NAME   paddle (PP-OCRv4, the SDK's default) or tesseract (tesseract.js, lighter)
  --json          print the full result as JSON
  --assets DIR    output folder of "dualrec assets" (default: assets-dist): paddleocr/ and
                  onnxruntime/ for PP-OCR, tesseract/lang for tesseract.js
  --now ISO-DATE  the clock for expiry and birth-date checks (default: now)
`;

const STATUS_LABEL = { verified: 'verified', 'needs-confirmation': 'confirm', invalid: 'INVALID' } as const;

function printHuman(result: Exclude<CardReadResult, { found: false }>, io: CommandIo): void {
  const rows = Object.entries(result.fields) as [string, OcrField<unknown>][];
  io.stdout.write(`side: ${result.side}\n`);
  for (const [name, f] of rows) {
    const value = f.value === null ? '—' : typeof f.value === 'string' ? f.value : JSON.stringify(f.value);
    const issues = f.issues.length ? `  (${f.issues.join(', ')})` : '';
    io.stdout.write(
      `  ${name.padEnd(10)} ${value.padEnd(24)} ${f.confidence.toFixed(0).padStart(3)}%  ${STATUS_LABEL[f.status]}${issues}\n`,
    );
  }
  io.stdout.write(
    `engine: ${result.engine.name}${result.straightened ? '' : ' (card edges not found: read as photographed)'}\n`,
  );
  io.stdout.write(`time: ${result.timings.totalMs.toFixed(0)} ms\n`);
}

export const ocrCommand: Command = {
  summary: 'read a PRC resident ID card photo (fields, confidence, validation)',
  usage,
  async run(args, io) {
    const parsed = parse(args);
    const { values, positionals } = parsed;
    if (positionals.length !== 1)
      throw new DualrecError('BAD_USAGE', { detail: 'expected exactly one IMAGE' });
    const side = values.side ?? 'auto';
    if (side !== 'front' && side !== 'back' && side !== 'auto')
      throw new DualrecError('BAD_USAGE', { detail: `--side must be front, back or auto, not "${side}"` });
    const now = values.now ? new Date(values.now) : new Date();
    if (Number.isNaN(now.getTime()))
      throw new DualrecError('BAD_USAGE', { detail: `--now "${values.now}" is not a date` });
    const engine = parseEngine(values.engine);
    // Start loading the models while the image decodes.
    const reader = openCliOcrReader({ engine, assets: values.assets, now });
    try {
      let image: Awaited<ReturnType<typeof readImageFile>>;
      let result: CardReadResult;
      try {
        image = await readImageFile(resolve(positionals[0] as string));
        result = await reader.read(image, { side });
      } catch (error) {
        if (isDualrecError(error) && error.code.startsWith('OCR_IMAGE_')) {
          if (values.json)
            io.stdout.write(
              `${JSON.stringify({ found: false, error: error.code, message: error.message })}\n`,
            );
          io.stderr.write(`dualrec ocr: [${error.code}] ${error.message}\n`);
          return EXIT.usage;
        }
        throw error;
      }
      if (!result.found) {
        if (values.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        io.stderr.write('dualrec ocr: no ID card found in the image\n');
        return EXIT.usage;
      }
      const ok =
        result.side === 'front'
          ? result.idNumberCheck.valid
          : Object.values(result.fields).every((f) => f.status !== 'invalid');
      if (values.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else {
        printHuman(result, io);
        io.stdout.write(
          result.side === 'front'
            ? `ID number ${ok ? 'validates' : `does NOT validate (${result.idNumberCheck.issues.join(', ')})`}\n`
            : `back side ${ok ? 'has no invalid field' : 'has an invalid field'}\n`,
        );
      }
      return ok ? EXIT.ok : EXIT.failed;
    } finally {
      await reader.close();
    }
  },
};

function parse(args: string[]) {
  return parseCommandArgs({
    args,
    options: {
      side: { type: 'string' },
      json: { type: 'boolean' },
      engine: { type: 'string' },
      assets: { type: 'string' },
      now: { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  });
}
