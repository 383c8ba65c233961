/**
 * ID card, one side per step: the applicant takes or picks a photo (on phones a file input with
 * `capture` opens the rear camera, which reads a card far better than the selfie camera), the
 * card is read on the device, the applicant checks what was read, and the photo goes into the
 * bundle sealed with the read fields in the log's sealed part (@dualrec/ocr's recordCardCapture).
 */
import { DualrecError, isDualrecError } from '@dualrec/evidence';
import type { CardReadResult, OcrReader } from '@dualrec/ocr';
import { CARD_PROBLEM_MESSAGES, type MessageKey } from '../i18n.js';
import type { StepContext, StepResult } from '../step.js';
import type { CardFieldView, CardProblem, CardView } from '../views.js';

const READER_KEY = 'ocr-reader';

/** Why a reader is not the one `ocrEngine` asked for (PP-OCR unavailable), for the evidence. */
const fallbacks = new WeakMap<OcrReader, string>();

/**
 * Starts loading the card reader in the background: PP-OCR in its worker where it can run
 * (`ocrEngine: 'auto'`, the default, or `'paddle'`), else, or when it fails to load under
 * `'auto'`, tesseract.js with its workers and language data.
 */
export function preloadCardReader(context: Pick<StepContext, 'runtime'>): Promise<OcrReader> {
  const { runtime } = context;
  return runtime.preload.load(
    READER_KEY,
    async (report) => {
      report(null);
      const [{ createOcrReader }, browser] = await Promise.all([
        import('@dualrec/ocr'),
        import('@dualrec/ocr/browser'),
      ]);
      const choice = runtime.options.ocrEngine ?? 'auto';
      const { assetsBase } = runtime.options;
      let fallback: string | undefined;
      if (choice !== 'tesseract') {
        const unsupported = browser.paddleUnsupportedReason();
        if (unsupported && choice === 'paddle')
          throw new DualrecError('MODEL_LOAD_FAILED', { detail: `PP-OCR: ${unsupported}` });
        if (unsupported) fallback = unsupported;
        else {
          const reader = createOcrReader({
            paddle: browser.PaddleWorkerEngine.start({
              assetsBase,
              onProgress: (p) => report(p.total ? p.loaded / p.total : null),
            }),
          });
          try {
            await reader.ready();
            report(1);
            return reader;
          } catch (error) {
            await reader.close();
            if (choice === 'paddle' || (isDualrecError(error) && error.code === 'ABORTED')) throw error;
            fallback = `PP-OCR failed to load: ${isDualrecError(error) ? error.code : String(error)}`;
          }
        }
      }
      const reader = createOcrReader({ tesseract: browser.browserTesseractAssets(assetsBase) });
      if (fallback) fallbacks.set(reader, fallback);
      await reader.ready();
      report(1);
      return reader;
    },
    (reader) => reader.close(),
  );
}

function fieldViews(result: CardReadResult): CardFieldView[] {
  if (!result.found) return [];
  const view = (key: string, label: MessageKey, value: string | null, status: string): CardFieldView => ({
    key,
    label,
    value: value ?? '',
    ok: status === 'verified',
  });
  if (result.side === 'front') {
    const f = result.fields;
    return [
      view('name', 'id.field.name', f.name.value, f.name.status),
      view('idNumber', 'id.field.idNumber', f.idNumber.value, f.idNumber.status),
      view('sex', 'id.field.sex', [f.sex.value, f.ethnicity.value].filter(Boolean).join(' / '), f.sex.status),
      view('birth', 'id.field.birth', f.birthDate.value, f.birthDate.status),
      view('address', 'id.field.address', f.address.value, f.address.status),
    ];
  }
  const f = result.fields;
  const validity = f.validity.value ? `${f.validity.value.from} – ${f.validity.value.until}` : null;
  return [
    view('issuer', 'id.field.issuer', f.issuer.value, f.issuer.status),
    view('validity', 'id.field.validity', validity, f.validity.status),
  ];
}

async function imageSize(blob: Blob): Promise<{ width: number; height: number }> {
  const bitmap = await createImageBitmap(blob);
  const size = { width: bitmap.width, height: bitmap.height };
  bitmap.close();
  return size;
}

function mimeOf(blob: Blob): 'image/jpeg' | 'image/png' {
  if (blob.type === 'image/jpeg' || blob.type === 'image/png') return blob.type;
  throw new DualrecError('OCR_IMAGE_INVALID', {
    detail: `a card photo must be JPEG or PNG, not "${blob.type}"`,
  });
}

async function runCard(context: StepContext, side: 'front' | 'back'): Promise<StepResult> {
  const { runtime, signal } = context;
  const { log, capture } = runtime;
  if (!log || !capture) throw new DualrecError('BAD_USAGE', { detail: 'the support step must run first' });
  const readerLoad = preloadCardReader(context);
  const step = side === 'front' ? 'id-front' : 'id-back';
  let previewUrl: string | null = null;
  const show = (
    phase: CardView['phase'],
    fields: CardFieldView[] = [],
    problem: CardProblem | null = null,
    glareOver: string[] = [],
  ) => context.view({ step, side, phase, previewUrl, fields, problem, glareOver });
  const loadedBefore = runtime.preload.fraction(READER_KEY) === 1;
  let attempts = 0;
  try {
    for (;;) {
      show('waiting');
      const { image } = await context.waitFor('card-image');
      attempts++;
      const mime = mimeOf(image);
      if (previewUrl) URL.revokeObjectURL(previewUrl);
      previewUrl = URL.createObjectURL(image);
      if (runtime.preload.fraction(READER_KEY) !== 1) {
        show('loading');
        context.progress('id.loading', null);
      }
      const reader = await readerLoad;
      show('reading');
      context.progress('id.reading', null);
      const { toRgbaImage } = await import('@dualrec/ocr/browser');
      const [rgba, bytes, size] = await Promise.all([
        toRgbaImage(image),
        image.arrayBuffer().then((b) => new Uint8Array(b)),
        imageSize(image),
      ]);
      const result = await reader.read(rgba, { side, signal });
      if (!result.found || result.side !== side) {
        // What to change before the next photo: the reader says why it found nothing.
        const problem: CardProblem = result.found ? 'wrong-side' : result.reason;
        await context.log('ocr.card.rejected', { side, reason: problem, attempt: attempts });
        show('not-found', [], problem);
        context.feedback(
          problem,
          context.t(CARD_PROBLEM_MESSAGES[problem], {
            side: context.t(side === 'front' ? 'id.side.front' : 'id.side.back'),
          }),
        );
        continue;
      }
      // Result fields under glare, as the review's field keys (birthDate is shown as "birth").
      const glareOver = [
        ...new Set(
          result.glareOver.map((name) =>
            name === 'birthDate' ? 'birth' : name === 'ethnicity' ? 'sex' : name,
          ),
        ),
      ];
      show('review', fieldViews(result), null, glareOver);
      if (glareOver.length) context.feedback('glare-over-field', context.t('id.glareOver'));
      const answer = await context.waitFor('card-confirm', 'card-retake');
      if (answer.type === 'card-retake') {
        await context.log('ocr.card.retake', { side, attempt: attempts });
        continue;
      }
      const { recordCardCapture, recordPortrait, cropPortrait } = await import('@dualrec/ocr');
      const recorded = await recordCardCapture({
        log,
        // Sealed now and persisted with the session (never stored in plaintext).
        writer: capture,
        side,
        image: { bytes, mime, width: size.width, height: size.height },
        result,
        // The engine that read the card; with the reason when it is not the one asked for.
        engine: fallbacks.has(reader)
          ? { ...result.engine, fallbackFrom: 'pp-ocr', fallbackReason: fallbacks.get(reader) as string }
          : result.engine,
        trigger: 'upload',
        file: `media/id-card-${side}-${context.attempt}-${attempts}.${mime === 'image/png' ? 'png' : 'jpg'}`,
      });
      // The printed photo, sealed as its own still for 1:1 face verification against the applicant.
      let portrait = false;
      if (result.side === 'front' && result.portrait) {
        const { encodeJpeg } = await import('@dualrec/ocr/browser');
        const crop = cropPortrait(rgba, result.portrait);
        const portraitJpeg = await encodeJpeg(crop);
        const portraitFile = `media/id-portrait-${context.attempt}-${attempts}.jpg`;
        // Kept in memory (never stored in clear) for the face match after liveness.
        const { rememberPortrait } = await import('./face-match.js');
        rememberPortrait(context.runtime, { jpeg: portraitJpeg, file: portraitFile });
        await recordPortrait({
          log,
          writer: capture,
          image: {
            bytes: portraitJpeg,
            mime: 'image/jpeg',
            width: crop.width,
            height: crop.height,
          },
          sourceSha256: recorded.image.sha256,
          // In the sealed photo's own pixels (the reader saw it scaled to at most 2560 px).
          quad: result.portrait.map(
            ([x, y]) => [(x * size.width) / rgba.width, (y * size.height) / rgba.height] as const,
          ),
          fromOutline: result.straightened,
          file: portraitFile,
        });
        portrait = true;
      }
      // The last card step of the session: free the reader (PP-OCR's worker holds ~100 MB of
      // models and wasm memory) before liveness and the recording need the phone's CPU and memory.
      if (isLastCardStep(runtime.stepsPlanned, step)) await runtime.preload.release(READER_KEY);
      const checked = fieldViews(result);
      return {
        status: 'passed',
        summary: {
          side,
          attempts,
          fields: checked.length,
          fieldsVerified: checked.filter((f) => f.ok).length,
          ...(result.side === 'front' ? { idNumberValid: result.idNumberCheck.valid } : {}),
          readerPreloaded: loadedBefore,
          engine: result.engine.name,
          ...(result.side === 'front' ? { portrait } : {}),
          totalMs: Math.round(result.timings.totalMs),
        },
      };
    }
  } finally {
    if (previewUrl) URL.revokeObjectURL(previewUrl);
  }
}

function isLastCardStep(planned: readonly string[], step: 'id-front' | 'id-back'): boolean {
  const later = planned.slice(planned.indexOf(step) + 1);
  return !later.includes('id-front') && !later.includes('id-back');
}

export const runIdFront = (context: StepContext) => runCard(context, 'front');
export const runIdBack = (context: StepContext) => runCard(context, 'back');
