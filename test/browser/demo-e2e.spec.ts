/**
 * End to end, as the README's demo command runs it: `pnpm demo --headless --out FILE` builds the
 * H5 example, starts the lender server (tickets, tus, verification, RFC 3161), drives the real
 * page in headless Chromium with fake camera and microphone through every step, and copies the
 * stored bundle out. Then `dualrec verify` on that bundle must exit 0, and the bundle must hold
 * every step's events and the server's time-stamp must cover its signature.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bytesSource, openBundle, SIGNATURE_FILE, ZipArchive } from '@dualrec/evidence';
import { loadLenderKeys, verifyTimestampToken } from '@dualrec/server';
import { expect, test } from './test.js';

const repo = resolve(import.meta.dirname, '../..');

test('pnpm demo --headless: the whole flow lands on the server and `dualrec verify` accepts the bundle', async () => {
  test.setTimeout(480_000);
  const dir = mkdtempSync(join(tmpdir(), 'dualrec-e2e-'));
  try {
    const out = join(dir, 'bundle.zip');
    const port = String(Number(process.env.DUALREC_TEST_PORT ?? 5178) + 1000);
    const demo = spawnSync(
      'node',
      [
        '--import',
        'tsx',
        'scripts/demo.mjs',
        '--headless',
        '--port',
        port,
        '--out',
        out,
        '--lang',
        'en',
        '--data',
        join(dir, 'data'),
      ],
      { cwd: repo, encoding: 'utf8', timeout: 450_000 },
    );
    console.log(
      demo.stderr
        .split('\n')
        .filter((l) => l.includes(' s  '))
        .join('\n'),
    );
    expect(demo.status, demo.stderr.slice(-3000)).toBe(0);
    const result = JSON.parse(demo.stdout) as {
      flow: string;
      steps: string[];
      valid: boolean;
      receipt: string;
      thirdPartyRequests: string[];
    };
    expect(result.flow).toBe('complete');
    // The driver saw the steps that wait for the applicant; the manifest below lists every step.
    // Not 'support': it waits for no one and may pass between two polls of the driver (its
    // events and 'support:passed' are checked from the manifest and the timeline below).
    for (const step of ['consent', 'id-front', 'id-back', 'liveness', 'recording'])
      expect(result.steps).toContain(step);
    expect(result.receipt).toBe('valid');
    expect(result.thirdPartyRequests).toEqual([]);

    const verify = spawnSync(
      'node',
      ['packages/cli/bin/dualrec.js', 'verify', out, '--keys', `${out}.keys`, '--json'],
      {
        cwd: repo,
        encoding: 'utf8',
      },
    );
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ valid: true, reasons: [] });

    const bytes = new Uint8Array(readFileSync(out));
    const keys = await loadLenderKeys(`${out}.keys`);
    const opened = await openBundle(bytesSource(bytes), {
      ticketKeys: [keys.ticketSigningPublic as never],
      decryptionKey: keys.encryptionPrivate as never,
    });
    const types = new Set(opened.events.map((e) => e.type));
    const perStep: Record<string, string[]> = {
      support: ['session.start', 'support.report'],
      consent: ['consent.given'],
      'id-card': ['ocr.card.captured', 'ocr.card.result'],
      liveness: ['face.liveness.start', 'face.passive', 'face.liveness.result', 'face.best-frame'],
      recording: [
        'capture.camera.opened',
        'capture.recording.started',
        'capture.segment.start',
        'speech.segment',
        'face.presence',
        'capture.segment.end',
        'capture.recording.stopped',
      ],
      seal: ['session.end'],
    };
    for (const [stepName, expected] of Object.entries(perStep))
      for (const type of expected) expect(types.has(type), `${stepName}: ${type}`).toBe(true);
    expect(opened.manifest.steps.map((s) => `${s.name}:${s.status}`)).toEqual([
      'support:passed',
      'consent:passed',
      'id-front:passed',
      'id-back:passed',
      'liveness:passed',
      'recording:passed',
      'seal:passed',
    ]);
    expect(opened.manifest.files.map((f) => f.role).sort()).toEqual(
      ['best-frame', 'events', 'id-card', 'id-card', 'id-portrait', 'recording'].sort(),
    );

    // The lender's RFC 3161 token covers this bundle's signature.
    const archive = await ZipArchive.open(bytesSource(bytes));
    const signature = await archive.read(archive.get(SIGNATURE_FILE) as never, 65536);
    const stamp = await verifyTimestampToken(
      new Uint8Array(readFileSync(`${out}.tsr`)),
      signature,
      `${out}.keys/tsa.crt`,
    );
    expect(stamp.valid).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
