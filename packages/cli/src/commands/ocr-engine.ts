/**
 * The OCR reader as the CLI opens it: either engine, its files from the folder `dualrec assets`
 * wrote. Shared by `dualrec ocr` and `dualrec ocr-eval`.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DualrecError } from '@dualrec/evidence';
import { createOcrReader, type OcrEngineName, type OcrReader, PADDLE_FILES } from '@dualrec/ocr';
import { loadPaddleEngine } from '@dualrec/ocr/node';

/** The SDK's default engine, and the CLI's. */
export const DEFAULT_ENGINE: OcrEngineName = 'paddle';

export function parseEngine(value: string | undefined): OcrEngineName {
  const engine = value ?? DEFAULT_ENGINE;
  if (engine !== 'paddle' && engine !== 'tesseract')
    throw new DualrecError('BAD_USAGE', { detail: `--engine must be paddle or tesseract, not "${engine}"` });
  return engine;
}

/** Checks the engine's files are there (a clear error before any model loads), then opens the reader. */
export function openCliOcrReader(options: { engine: OcrEngineName; assets?: string; now: Date }): OcrReader {
  const assetsDir = resolve(options.assets ?? 'assets-dist');
  const needed =
    options.engine === 'paddle'
      ? PADDLE_FILES.map((f) => resolve(assetsDir, f.path))
      : [
          resolve(assetsDir, 'tesseract/lang/chi_sim.traineddata.gz'),
          resolve(assetsDir, 'tesseract/lang/eng.traineddata.gz'),
        ];
  const missing = needed.find((path) => !existsSync(path));
  if (missing)
    throw new DualrecError('ASSET_NOT_FOUND', {
      detail: `${missing} is missing (engine ${options.engine}); run "dualrec assets --out ${options.assets ?? 'assets-dist'}" first`,
      context: { path: missing },
    });
  return options.engine === 'paddle'
    ? createOcrReader({ paddle: loadPaddleEngine({ assetsDir }), clock: () => options.now })
    : createOcrReader({
        tesseract: { langPath: resolve(assetsDir, 'tesseract/lang') },
        clock: () => options.now,
      });
}
