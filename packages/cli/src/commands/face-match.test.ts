import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type JsonValue, MemorySink, writeSampleBundle } from '@dualrec/evidence';
import { type FaceComparison, loadFaceMatcher, recordFaceMatch } from '@dualrec/face/matcher-node';
import { decodeImage } from '@dualrec/ocr/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { loadLenderKeys, requireKey } from './keygen.js';

const REPO = resolve(import.meta.dirname, '../../../..');
const FIXTURES = resolve(process.env.DUALREC_SHARED_DIR ?? resolve(REPO, '../shared'), 'fixtures');

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: { write: (s: string) => (out.stdout += s) },
      stderr: { write: (s: string) => (out.stderr += s) },
    },
  };
}

async function run(...argv: string[]) {
  const { out, io } = capture();
  const code = await main(argv, io);
  return { code, ...out };
}

const jpegFrame = (video: string, t: number) =>
  new Uint8Array(
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-ss',
      String(t),
      '-i',
      join(FIXTURES, video),
      '-frames:v',
      '1',
      '-f',
      'image2pipe',
      '-vcodec',
      'mjpeg',
      '-',
    ]),
  );

let dir: string;
let keys: string;

type ClaimEvent = {
  type: string;
  payload: { [key: string]: JsonValue };
  sealed?: { [key: string]: JsonValue };
};

/** The `face.match` event the device would log for this comparison (through the real recorder). */
async function claimOf(comparison: FaceComparison): Promise<ClaimEvent> {
  let event: ClaimEvent | undefined;
  await recordFaceMatch({
    log: {
      append: async (type, payload = {}, options = {}) => {
        event = { type, payload, ...(options.sealed ? { sealed: options.sealed } : {}) };
        return {} as never;
      },
    },
    comparison,
    reference: { file: 'media/id-portrait-1-1.png' },
    probe: { file: 'media/best-frame.jpg', frameT: 1234 },
    policy: 'flag',
  });
  if (!event) throw new Error('nothing logged');
  return event;
}

/** A sealed sample bundle holding the given ID portrait and best frame (and events). */
async function bundleWith(
  name: string,
  stills: { portrait?: Uint8Array; bestFrame?: Uint8Array },
  events: ClaimEvent[] = [],
): Promise<string> {
  const lender = await loadLenderKeys(keys);
  const sink = new MemorySink();
  await writeSampleBundle({
    sink,
    ticketSigningKey: requireKey(lender.ticketSigningPrivate, keys, 'ticket-signing-private'),
    recipients: [requireKey(lender.encryptionPublic, keys, 'encryption-public')],
    recording: [new Uint8Array(2048)],
    recordingType: 'video/webm',
    events,
    stills: [
      ...(stills.portrait
        ? [
            {
              name: 'media/id-portrait-1-1.png',
              role: 'id-portrait',
              mediaType: 'image/png',
              bytes: stills.portrait,
            },
          ]
        : []),
      ...(stills.bestFrame
        ? [
            {
              name: 'media/best-frame.jpg',
              role: 'best-frame',
              mediaType: 'image/jpeg',
              bytes: stills.bestFrame,
              event: 'face.best-frame',
            },
          ]
        : []),
    ],
  });
  const path = join(dir, name);
  await writeFile(path, await sink.bytes());
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualrec-face-match-'));
  keys = join(dir, 'keys');
  expect((await run('keygen', '--out', keys)).code).toBe(0);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('dualrec face-match', () => {
  it('recomputes a match from the sealed ID portrait and best frame', async () => {
    const portrait = new Uint8Array(await readFile(join(FIXTURES, 'face-still/grid-s2-portrait.png')));
    const bundle = await bundleWith('same.zip', {
      portrait,
      bestFrame: jpegFrame('face-video/talking-grid-s2.mp4', 2),
    });
    expect((await run('verify', bundle, '--keys', keys)).code).toBe(0);
    const result = await run('face-match', bundle, '--keys', keys, '--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out).toMatchObject({
      decision: 'match',
      reference: 'media/id-portrait-1-1.png',
      probe: 'media/best-frame.jpg',
    });
    expect(out.score).toBeGreaterThan(0.8);
    expect(out.model.sha256).toMatch(/^[0-9a-f]{64}$/);
  }, 120_000);

  it('exits 1 with NO MATCH when the best frame shows someone else, or the lender reference does', async () => {
    const portrait = new Uint8Array(await readFile(join(FIXTURES, 'face-still/grid-s2-portrait.png')));
    const bundle = await bundleWith('other.zip', {
      portrait,
      bestFrame: jpegFrame('face-video/blink-webcam.mp4', 1),
    });
    const result = await run('face-match', bundle, '--keys', keys);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^NO MATCH: score /);

    const same = await bundleWith('same2.zip', {
      portrait,
      bestFrame: jpegFrame('face-video/talking-grid-s2.mp4', 4),
    });
    const withReference = await run(
      'face-match',
      same,
      '--keys',
      keys,
      '--reference',
      join(FIXTURES, 'face-still/astronaut.png'),
    );
    expect(withReference.code).toBe(1);
    expect(withReference.stdout).toContain('astronaut.png');
  }, 120_000);

  it('checks the device claim against the recomputed score and catches a tampered one', async () => {
    const portrait = new Uint8Array(await readFile(join(FIXTURES, 'face-still/grid-s2-portrait.png')));
    const frame = jpegFrame('face-video/blink-webcam.mp4', 1);
    const matcher = await loadFaceMatcher();
    const honest = await matcher.match(decodeImage(portrait), decodeImage(frame));
    matcher.close();
    expect(honest.decision).toBe('no-match');
    // The device's honest claim of no match holds (exit 1 only because the faces differ).
    const honestBundle = await bundleWith('honest.zip', { portrait, bestFrame: frame }, [
      await claimOf(honest),
    ]);
    const ok = await run('face-match', honestBundle, '--keys', keys, '--json');
    expect(JSON.parse(ok.stdout).claim).toMatchObject({ claimedDecision: 'no-match', problems: [] });
    // A device (or anyone before sealing) that claims a match for these two faces is caught.
    const tampered = await claimOf({
      ...honest,
      score: 0.91,
      scores: { faceres: 0.9, mobileface: 0.92 },
      decision: 'match',
    });
    const tamperedBundle = await bundleWith('tampered.zip', { portrait, bestFrame: frame }, [tampered]);
    expect((await run('verify', tamperedBundle, '--keys', keys)).code).toBe(0);
    const caught = await run('face-match', tamperedBundle, '--keys', keys);
    expect(caught.code).toBe(1);
    expect(caught.stdout).toContain('device claim: score 0.9100, match — DISAGREES');
    expect(caught.stdout).toContain('claimed decision match, recomputed no-match');
  }, 120_000);

  it('says what is missing from a bundle without an ID portrait', async () => {
    const bundle = await bundleWith('no-portrait.zip', {
      bestFrame: jpegFrame('face-video/talking-grid-s2.mp4', 2),
    });
    const result = await run('face-match', bundle, '--keys', keys);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[FACE_MATCH_NO_FACE]');
    expect(result.stderr).toContain('id-portrait');
  }, 60_000);
});
