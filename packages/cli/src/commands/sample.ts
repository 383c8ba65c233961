import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DualrecError, writeSampleBundle } from '@dualrec/evidence';
import { type Command, EXIT, parseCommandArgs } from '../io.js';
import { KEY_FILES, loadLenderKeys, requireKey } from './keygen.js';

const FIXTURE = 'face-video/talking-grid-s2.mp4';
const MEDIA_TYPE = 'video/webm;codecs=vp8,opus';
const MAX_SECONDS = 4 * 3600;

/** Where the shared test media lives: env, then beside the checkout (as `assets` finds models). */
export function defaultSampleVideo(): string | null {
  const candidates = [
    process.env.DUALREC_FIXTURES_DIR ? resolve(process.env.DUALREC_FIXTURES_DIR, FIXTURE) : null,
    resolve('../shared/fixtures', FIXTURE),
    resolve(import.meta.dirname, '../../../../../shared/fixtures', FIXTURE),
  ];
  return candidates.find((path): path is string => path !== null && existsSync(path)) ?? null;
}

const usage = `Usage: dualrec sample --keys DIR --out FILE [--seconds N] [options]

Writes a complete, valid, synthetic evidence bundle so the verifier can be tried without a phone:
a real VP8/Opus webm recording made with ffmpeg from a fixture video (a person reading aloud,
looped to N seconds), synthetic OCR / liveness / speech events — every payload marked
"synthetic": true, and the manifest too — and a session ticket signed with DIR's ticket key.
The recording is encrypted to DIR's encryption key as it is encoded: memory use does not grow
with --seconds.

Options:
  --keys DIR       lender key folder made by "dualrec keygen" (${KEY_FILES.ticketSigningPrivate}, ${KEY_FILES.encryptionPublic})
  --out FILE       bundle to write (written to FILE.partial, renamed when complete)
  --seconds N      length of the recording (default 6; about 0.13 MB per second)
  --video FILE     source video (default: ../shared/fixtures/${FIXTURE}, or $DUALREC_FIXTURES_DIR)
  --ffmpeg PATH    ffmpeg to use (default: ffmpeg on PATH; Debian: apt-get install ffmpeg)

Fixture credit: GRID audio-visual corpus (Cooke, Barker, Cunningham & Shao 2006), CC BY 4.0.
`;

export const sampleCommand: Command = {
  summary: 'write a valid synthetic evidence bundle (real webm from fixture video)',
  usage,
  async run(args, io) {
    const values: { keys?: string; out?: string; seconds?: string; video?: string; ffmpeg?: string } =
      parseCommandArgs({
        args,
        options: {
          keys: { type: 'string' },
          out: { type: 'string' },
          seconds: { type: 'string' },
          video: { type: 'string' },
          ffmpeg: { type: 'string' },
        },
        strict: true,
        allowPositionals: false,
      }).values;
    if (!values.keys || !values.out)
      throw new DualrecError('BAD_USAGE', { detail: '--keys DIR and --out FILE are required' });
    const seconds = values.seconds === undefined ? 6 : Number(values.seconds);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_SECONDS) {
      throw new DualrecError('BAD_USAGE', { detail: `--seconds must be a number from 0 to ${MAX_SECONDS}` });
    }
    const keys = await loadLenderKeys(resolve(values.keys));
    const ticketSigningKey = requireKey(
      keys.ticketSigningPrivate,
      values.keys,
      KEY_FILES.ticketSigningPrivate,
    );
    const recipient = requireKey(keys.encryptionPublic, values.keys, KEY_FILES.encryptionPublic);
    const video = values.video ? resolve(values.video) : defaultSampleVideo();
    if (!video || !existsSync(video)) {
      throw new DualrecError('FILE_UNREADABLE', {
        detail: `no source video (${values.video ?? `../shared/fixtures/${FIXTURE}`}); pass --video FILE`,
      });
    }
    const ffmpeg = values.ffmpeg ?? 'ffmpeg';
    const probe = spawnSync(ffmpeg, ['-hide_banner', '-version'], { stdio: 'ignore' });
    if (probe.error || probe.status !== 0) {
      throw new DualrecError('TOOL_NOT_FOUND', {
        detail: `"${ffmpeg}" could not be run; "dualrec sample" needs ffmpeg with libvpx and libopus (Debian: apt-get install ffmpeg), or --ffmpeg PATH`,
      });
    }
    const out = resolve(values.out);
    const partial = `${out}.partial`;
    // Looped and cut to N seconds; realtime VP8 keeps encoding several times faster than playback.
    const encoder = spawn(
      ffmpeg,
      [
        ...['-hide_banner', '-loglevel', 'error', '-stream_loop', '-1', '-i', video, '-t', String(seconds)],
        ...['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '16', '-threads', '2', '-b:v', '1M'],
        ...['-c:a', 'libopus', '-b:a', '48k', '-f', 'webm', 'pipe:1'],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    encoder.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-2000);
    });
    const exited = new Promise<number | null>((resolveExit) => {
      encoder.on('close', (code) => resolveExit(code));
      encoder.on('error', () => resolveExit(-1));
    });
    const file = createWriteStream(partial, { mode: 0o644 });
    const fileError = new Promise<never>((_, reject) => file.on('error', reject));
    fileError.catch(() => undefined);
    const sink = {
      write: (chunk: Uint8Array) =>
        Promise.race([
          fileError,
          new Promise<void>((resolveWrite) => {
            if (file.write(chunk)) resolveWrite();
            else file.once('drain', resolveWrite);
          }),
        ]),
    };
    try {
      const result = await writeSampleBundle({
        sink,
        ticketSigningKey,
        recipients: [recipient],
        recording: encoder.stdout,
        recordingType: MEDIA_TYPE,
        seconds,
      });
      const code = await exited;
      if (code !== 0) {
        throw new DualrecError('FILE_UNREADABLE', {
          detail: `ffmpeg failed (exit ${code}) on ${video}: ${stderr.trim()}`,
        });
      }
      await new Promise<void>((resolveEnd, reject) =>
        file.end((error?: Error | null) => (error ? reject(error) : resolveEnd())),
      );
      await rename(partial, out);
      const recording = result.manifest.files.find((f) => f.role === 'recording');
      io.stdout.write(
        `${out}: ${(result.size / 1e6).toFixed(2)} MB, session ${result.manifest.sessionId}, ` +
          `${seconds} s recording (${recording?.encryption?.records ?? 0} records), SYNTHETIC\n` +
          `Check it: dualrec verify ${values.out} --keys ${values.keys}\n`,
      );
      return EXIT.ok;
    } catch (error) {
      encoder.kill();
      file.destroy();
      await rm(partial, { force: true });
      throw error;
    }
  },
};
