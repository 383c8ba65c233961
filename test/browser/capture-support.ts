/** Shared by the capture specs: lender keys made in node, ffprobe on decrypted recordings. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBase64UrlStrict, generateKeyPairJwk } from '@dualrec/evidence';

export async function lenderKeys() {
  const ticket = await generateKeyPairJwk('ticket-signing');
  const enc = await generateKeyPairJwk('encryption');
  return {
    ticketPrivate: ticket.privateJwk,
    ticketPublic: ticket.publicJwk,
    encPrivate: enc.privateJwk,
    encPublic: enc.publicJwk,
  };
}

export interface Probe {
  duration: number;
  codecTypes: string[];
}

/** ffprobe on a decrypted recording. MediaRecorder webm has no duration header, so the packets' last timestamp is read. */
export function probe(base64url: string, ext = 'webm'): Probe {
  const bytes = fromBase64UrlStrict(base64url);
  if (!bytes) throw new Error('bad base64url');
  const dir = mkdtempSync(join(tmpdir(), 'capture-'));
  try {
    const file = join(dir, `recording.${ext}`);
    writeFileSync(file, bytes);
    const streams = JSON.parse(
      execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'json', file], {
        encoding: 'utf8',
      }),
    ) as { streams: { codec_type: string }[] };
    const packets = execFileSync(
      'ffprobe',
      ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file],
      { encoding: 'utf8' },
    )
      .split('\n')
      .map(Number)
      .filter((n) => Number.isFinite(n) && n > 0);
    return { duration: Math.max(0, ...packets), codecTypes: streams.streams.map((s) => s.codec_type).sort() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The capture lab page's window (test/browser/pages/capture-lab.ts). */
// biome-ignore lint/suspicious/noExplicitAny: results are checked field by field in the specs
type LabFn = (...args: any[]) => Promise<any>;
export type Lab = Window & {
  lab: Record<
    | 'support'
    | 'record'
    | 'startForReload'
    | 'storedChunks'
    | 'recoverAndSeal'
    | 'recoverAndContinue'
    | 'cameraNotFound'
    | 'permissionDenied'
    | 'cameraStopped'
    | 'quota'
    | 'recorderStall'
    | 'cleanup',
    LabFn
  >;
};
