/**
 * `dualrec face-match BUNDLE --keys DIR`: the lender's side of the 1:1 face comparison. Verifies
 * and opens the bundle, decrypts the sealed ID portrait (role `id-portrait`, or a reference photo
 * the lender supplies with --reference) and the sealed best frame (role `best-frame`), and
 * recomputes the score with the same pinned models — so a score claimed by the device is never
 * trusted blindly.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { concatBytes, DualrecError, openBundle } from '@dualrec/evidence';
import {
  type ClaimCheck,
  checkFaceMatchClaim,
  FACE_MATCH_EVENT,
  loadFaceMatcher,
  OPERATING_POINTS,
  type OperatingPointName,
} from '@dualrec/face/matcher-node';
import { decodeImage, readImageFile } from '@dualrec/ocr/node';
import { type Command, EXIT, parseCommandArgs } from '../io.js';
import { KEY_FILES, loadLenderKeys, requireKey } from './keygen.js';
import { openFileSource } from './verify.js';

const usage = `Usage: dualrec face-match BUNDLE --keys DIR [--reference FILE] [--operating-point far1e-2|far1e-3] [--json]

Verifies BUNDLE, decrypts its sealed ID portrait (media role id-portrait; the last one when the
card was photographed more than once) and its sealed best frame (role best-frame), and recomputes
the 1:1 face comparison with the pinned models. When the device logged a face.match claim, the
entries it names are compared and its sealed score is checked against the recomputed one
(tolerance 0.02), its model hash against the pinned one, its decision against its own score.
Nothing decrypted is written to disk.
Exit 0 when the faces match at the operating point and any claim holds; 1 when they do not
match, the claim disagrees, or on an error.

Options:
  --keys DIR            lender key folder (${KEY_FILES.encryptionPrivate}, ${KEY_FILES.ticketSigningPublic})
  --reference FILE      compare with this photo (JPEG/PNG, e.g. from an identity service) instead
                        of the sealed ID portrait
  --operating-point P   far1e-2 (default) or far1e-3
  --assets DIR          the folder "dualrec assets" wrote (default: assets-dist if it holds
                        face-match/, else the installed npm packages)
  --json                machine-readable result
`;

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return concatBytes(parts);
}

export const faceMatchCommand: Command = {
  summary: 'recompute the 1:1 face comparison from the sealed ID portrait and best frame',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs({
      args,
      options: {
        keys: { type: 'string' },
        reference: { type: 'string' },
        'operating-point': { type: 'string' },
        assets: { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new DualrecError('BAD_USAGE', { detail: 'give exactly one BUNDLE' });
    if (!values.keys) throw new DualrecError('BAD_USAGE', { detail: '--keys DIR is required' });
    const operatingPoint = (values['operating-point'] ?? 'far1e-2') as OperatingPointName;
    if (!(operatingPoint in OPERATING_POINTS))
      throw new DualrecError('BAD_USAGE', {
        detail: `--operating-point must be ${Object.keys(OPERATING_POINTS).join(' or ')}, not "${operatingPoint}"`,
      });
    const keys = await loadLenderKeys(resolve(values.keys));
    const decryptionKey = requireKey(keys.encryptionPrivate, values.keys, KEY_FILES.encryptionPrivate);
    const ticketKey = requireKey(keys.ticketSigningPublic, values.keys, KEY_FILES.ticketSigningPublic);
    const source = await openFileSource(resolve(positionals[0] as string));
    let referenceBytes: Uint8Array | undefined;
    let probeBytes: Uint8Array;
    let referenceName: string;
    let probeName: string;
    let claim: Awaited<ReturnType<typeof openBundle>>['events'][number] | undefined;
    try {
      const bundle = await openBundle(source, { decryptionKey, ticketKeys: [ticketKey] });
      const files = bundle.manifest.files;
      claim = bundle.events.filter((e) => e.type === FACE_MATCH_EVENT).at(-1);
      const named = (key: 'reference' | 'probe') => {
        const ref = claim?.payload[key] as { file?: unknown } | undefined;
        return typeof ref?.file === 'string' ? files.find((f) => f.name === ref.file) : undefined;
      };
      const probe = named('probe') ?? files.filter((f) => f.role === 'best-frame').at(-1);
      if (!probe)
        throw new DualrecError('FACE_MATCH_NO_FACE', {
          detail: 'the bundle holds no sealed best frame (role best-frame)',
          context: { role: 'probe' },
        });
      probeName = probe.name;
      probeBytes = await collect(bundle.decryptFile(probe.name));
      if (values.reference) referenceName = resolve(values.reference);
      else {
        const portrait = named('reference') ?? files.filter((f) => f.role === 'id-portrait').at(-1);
        if (!portrait)
          throw new DualrecError('FACE_MATCH_NO_FACE', {
            detail: 'the bundle holds no sealed ID portrait (role id-portrait); pass --reference FILE',
            context: { role: 'reference' },
          });
        referenceName = portrait.name;
        referenceBytes = await collect(bundle.decryptFile(portrait.name));
      }
    } finally {
      await source.close();
    }
    const reference = referenceBytes ? decodeImage(referenceBytes) : await readImageFile(referenceName);
    const probe = decodeImage(probeBytes);
    const assetsDir = values.assets
      ? resolve(values.assets)
      : existsSync(resolve('assets-dist', 'face-match'))
        ? resolve('assets-dist')
        : undefined;
    const matcher = await loadFaceMatcher({ assetsDir });
    let result: Awaited<ReturnType<typeof matcher.match>>;
    try {
      result = await matcher.match(reference, probe, { operatingPoint });
    } finally {
      matcher.close();
    }
    // A claim about another reference (the lender passed --reference) is not comparable.
    const check: ClaimCheck | null =
      claim && !values.reference ? checkFaceMatchClaim(claim.payload, claim.sealedFields, result) : null;
    const output = { reference: referenceName, probe: probeName, ...result, claim: check };
    if (values.json) io.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    else
      io.stdout.write(
        `${result.decision === 'match' ? 'MATCH' : 'NO MATCH'}: score ${result.score.toFixed(4)} ` +
          `(faceres ${result.scores.faceres.toFixed(4)}, mobileface ${result.scores.mobileface.toFixed(4)}), ` +
          `threshold ${result.threshold} (${result.operatingPoint})\n` +
          `  reference ${referenceName}\n  probe     ${probeName}\n` +
          `  model ${result.model.name} sha256 ${result.model.sha256}\n` +
          (check
            ? `  device claim: score ${check.claimedScore === null ? 'none' : check.claimedScore.toFixed(4)}, ${check.claimedDecision ?? 'no decision'} — ${
                check.problems.length ? `DISAGREES: ${check.problems.join('; ')}` : 'holds'
              }\n`
            : claim
              ? '  device claim: not checked (another reference)\n'
              : '  device claim: none in the bundle\n'),
      );
    return result.decision === 'match' && !check?.problems.length ? EXIT.ok : EXIT.failed;
  },
};
