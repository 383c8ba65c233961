/**
 * The SDK's real steps in Chromium with fake camera and microphone (talking-grid-s2 and its own
 * sound, so lip sync can match): consent → ID front/back (generated specimen photos through the
 * file input) → passive liveness → recording with the disclosure script → seal. The spec is the
 * lender: it answers the ticket request and verifies the bundle with the lender's keys.
 */
import { randomUUID } from 'node:crypto';
import {
  bytesSource,
  fromBase64UrlStrict,
  generateKeyPairJwk,
  issueTicket,
  openBundle,
} from '@dualrec/evidence';
import { specimen } from '../fixtures/id-card/node.js';
import { driveFlow } from './flow-driver.js';
import { expect, fakeMedia, test } from './test.js';

test.use(fakeMedia({ camera: 'talking-grid-s2', microphone: 'face-video/talking-grid-s2.wav' }));

test('the whole flow on the device: every step runs, the sealed bundle verifies with every step’s events', async ({
  page,
}) => {
  test.setTimeout(420_000);
  const ticketKey = await generateKeyPairJwk('ticket-signing');
  const encKey = await generateKeyPairJwk('encryption');
  const nonce = randomUUID();
  const sessionId = randomUUID();
  await page.route('**/v1/tickets', async (route) => {
    const body = route.request().postDataJSON() as { jkt: string; scriptId: string; applicationRef: string };
    const ticket = await issueTicket(
      { lenderId: 'spec-lender', sessionId, scriptId: body.scriptId, nonce, deviceKeyThumbprint: body.jkt },
      ticketKey.privateJwk,
    );
    await route.fulfill({
      status: 201,
      contentType: 'application/json',
      body: JSON.stringify({ ticket, sessionId, lenderId: 'spec-lender', recipients: [encKey.publicJwk] }),
    });
  });
  const front = await specimen(20261123, 'photo-like', 0, 'front');
  const back = await specimen(20261123, 'photo-like', 0, 'back');

  await page.goto('/sdk-flow.html');
  await page.waitForFunction(() => document.body.dataset.ready === '1');
  await page.evaluate(() =>
    window.sdkFlow.start({
      locale: 'en',
      elderMode: false,
      steps: ['support', 'consent', 'id-front', 'id-back', 'liveness', 'recording', 'seal'],
      passive: true,
    }),
  );
  const result = await driveFlow(page, { cardFront: front.path, cardBack: back.path, log: console.log });
  const events = await page.evaluate(() => window.sdkFlow.events());
  expect(result, JSON.stringify(events)).toMatchObject({ status: 'complete' });
  expect(result.steps).toEqual([
    'support',
    'consent',
    'id-front',
    'id-back',
    'liveness',
    'recording',
    'seal',
  ]);

  const encoded = await page.evaluate(() => window.sdkFlow.bundle());
  const bytes = fromBase64UrlStrict(encoded ?? '');
  if (!bytes) throw new Error('no bundle');
  const opened = await openBundle(bytesSource(bytes), {
    ticketKeys: [ticketKey.publicJwk],
    decryptionKey: encKey.privateJwk,
    expectedNonce: nonce,
  });
  expect(opened.verdict.reasons).toEqual([]);
  expect(opened.verdict.valid).toBe(true);
  const m = opened.manifest;
  expect(m.sessionId).toBe(sessionId);
  expect(m.files.map((f) => f.role).sort()).toEqual(
    ['best-frame', 'events', 'id-card', 'id-card', 'recording'].sort(),
  );
  expect(m.steps?.map((s) => `${s.name}:${s.status}`)).toEqual([
    'support:passed',
    'consent:passed',
    'id-front:passed',
    'id-back:passed',
    'liveness:passed',
    'recording:passed',
    'seal:passed',
  ]);
  const types = new Set(opened.events.map((e) => e.type));
  for (const type of [
    'session.start',
    'support.report',
    'consent.given',
    'ocr.card.captured',
    'ocr.card.result',
    'face.liveness.result',
    'face.best-frame',
    'capture.camera.opened',
    'capture.recording.started',
    'capture.segment.start',
    'capture.segment.end',
    'capture.recording.stopped',
    'speech.segment',
    'face.presence',
    'session.end',
  ]) {
    expect(types, `${type} in ${[...types].join(', ')}`).toContain(type);
  }
  // Without the upload step nothing discards the stored session: it stays for recovery.
  expect(await page.evaluate(() => window.sdkFlow.storedSessions())).toBe(1);
});
