import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DualrecError } from '@dualrec/evidence';
import {
  checkReportMessages,
  isReportLocale,
  prepareReport,
  type ReportMessageOverrides,
  resolveTimeZone,
} from '@dualrec/report';
import { openFileSource } from '@dualrec/server';
import { type Command, EXIT, parseCommandArgs } from '../io.js';
import { KEY_FILES, loadLenderKeys, requireKey } from './keygen.js';

const usage = `Usage: dualrec report FILE --keys DIR [--out report.html] [--tsr TOKEN] [--tsa-cert PEM]
                      [--lang zh-CN|en] [--tz ZONE] [--messages FILE.json]

Writes one self-contained HTML audit report (no external requests; print it to PDF): the verdict
and every check first, the session, ticket and device key facts, the recording with clickable
segment markers, the ID card photos and best frame, the disclosure script as shown with what was
read aloud and confirmed, liveness, OCR fields, interruptions, the timeline, and the RFC 3161 time.

  --keys DIR      lender key folder: ${KEY_FILES.ticketSigningPublic} (required) and, to decrypt the
                  recording and personal fields, ${KEY_FILES.encryptionPrivate}
  --out FILE      where to write (default: FILE with .report.html)
  --tsr TOKEN     the RFC 3161 token (default: FILE with .tsr, when present, as the server stores it)
  --tsa-cert PEM  the TSA certificate to verify the token with (default: DIR/tsa.crt when present)
  --lang LOCALE   the report's language, zh-CN or en (default: the session's language recorded in
                  the bundle, else zh-CN)
  --tz ZONE       IANA time zone for every date, shown with its UTC offset (default: this
                  machine's, e.g. TZ=Asia/Shanghai)
  --messages FILE the lender's own wording: JSON { "zh-CN": { key: text }, "en": { … } } with keys
                  of @dualrec/report's REPORT_MESSAGES (docs/auditor.md)
Exit status: 0 when the bundle is valid, 1 when it is not (the report is written either way).
`;

export const reportCommand: Command = {
  summary: 'write a self-contained HTML audit report for a bundle',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs({
      args,
      options: {
        keys: { type: 'string' },
        out: { type: 'string' },
        tsr: { type: 'string' },
        'tsa-cert': { type: 'string' },
        lang: { type: 'string' },
        tz: { type: 'string' },
        messages: { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    });
    const [file] = positionals;
    if (!file || !values.keys)
      throw new DualrecError('BAD_USAGE', { detail: 'FILE and --keys DIR are required' });
    if (values.lang !== undefined && !isReportLocale(values.lang))
      throw new DualrecError('BAD_USAGE', { detail: `--lang must be zh-CN or en, not ${values.lang}` });
    const timeZone = resolveTimeZone(values.tz);
    let messages: ReportMessageOverrides | undefined;
    if (values.messages) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readFile(resolve(values.messages), 'utf8'));
      } catch (cause) {
        throw new DualrecError('BAD_USAGE', {
          detail: `--messages ${values.messages} is not a readable JSON file`,
          cause,
        });
      }
      messages = checkReportMessages(parsed);
    }
    const bundle = resolve(file);
    const keys = await loadLenderKeys(resolve(values.keys));
    const ticketKey = requireKey(keys.ticketSigningPublic, values.keys, KEY_FILES.ticketSigningPublic);
    const defaultCert = join(resolve(values.keys), 'tsa.crt');
    const certPath = values['tsa-cert']
      ? resolve(values['tsa-cert'])
      : existsSync(defaultCert)
        ? defaultCert
        : null;
    const tokenPath = values.tsr ? resolve(values.tsr) : `${bundle.replace(/\.zip$/, '')}.tsr`;
    const altToken = `${bundle}.tsr`;
    // Checked by verify() itself, like `dualrec verify --tsa-cert` and the auditor console.
    const foundToken = [tokenPath, altToken].find((path) => existsSync(path));
    const timestamp = foundToken
      ? {
          token: new Uint8Array(await readFile(foundToken)),
          ...(certPath ? { trust: await readFile(certPath, 'utf8') } : {}),
        }
      : null;
    const source = await openFileSource(bundle);
    try {
      const { model, html } = await prepareReport({
        source,
        name: basename(bundle),
        ticketKeys: [ticketKey],
        ...(keys.encryptionPrivate ? { decryptionKey: keys.encryptionPrivate } : {}),
        timestamp,
        timeZone,
        ...(values.lang ? { locale: values.lang } : {}),
        ...(messages ? { messages } : {}),
      });
      const out = resolve(
        values.out ?? join(dirname(bundle), `${basename(bundle).replace(/\.zip$/, '')}.report.html`),
      );
      await writeFile(out, html);
      // The status line stays in the verifier's terms (codes), like `dualrec verify`, for scripts.
      const first = model.reasons[0];
      io.stdout.write(
        `${out}: ${model.valid ? 'VALID' : 'INVALID'}${first ? ` — ${first.code}${first.file ? ` (${first.file})` : ''}: ${first.detail}` : ''} [${model.locale}]\n`,
      );
      return model.valid ? EXIT.ok : EXIT.failed;
    } finally {
      await source.close();
    }
  },
};
