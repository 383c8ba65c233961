/**
 * The face match in the SDK flow: talking-grid-s2 in front of the fake camera, its own portrait
 * (grid-s2-portrait.png) as the lender's reference fetched from the page's origin, policy `flag`.
 * The sealed bundle holds a `face.match` claim; the spec, as the lender, decrypts the best frame
 * and recomputes the comparison in node, and the claim must hold.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  bytesSource,
  fromBase64UrlStrict,
  generateKeyPairJwk,
  issueTicket,
  openBundle,
} from '@dualrec/evidence';
import { checkFaceMatchClaim, loadFaceMatcher } from '@dualrec/face/matcher-node';
import { decodeImage } from '@dualrec/ocr/node';
import { describeRun, driveFlow } from './flow-driver.js';
import { expect, fakeMedia, test } from './test.js';

test.use(fakeMedia({ camera: 'talking-grid-s2', microphone: 'face-video/talking-grid-s2.wav' }));

const FIXTURES = resolve(
  process.env.DUALREC_SHARED_DIR ?? resolve(import.meta.dirname, '../../../shared'),
  'fixtures',
);
const STEPS = ['support', 'consent', 'liveness', 'recording', 'seal'];

test('face match after liveness: a same-origin lender reference, a sealed face.match claim the lender recomputes', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const ticketKey = await generateKeyPairJwk('ticket-signing');
  const encKey = await generateKeyPairJwk('encryption');
  const nonce = randomUUID();
  const sessionId = randomUUID();
  const portrait = readFileSync(resolve(FIXTURES, 'face-still/grid-s2-portrait.png'));
  await page.route('**/v1/tickets', async (route) => {
    const body = route.request().postDataJSON() as { jkt: string; scriptId: string };
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
  await page.route('**/lender/reference.png', (route) =>
    route.fulfill({ status: 200, contentType: 'image/png', body: portrait }),
  );
  await page.goto('/sdk-flow.html');
  await page.waitForFunction(() => document.body.dataset.ready === '1');
  await page.evaluate(
    (steps) =>
      window.sdkFlow.start({
        locale: 'en',
        elderMode: false,
        steps,
        passive: true,
        short: true,
        faceMatch: { policy: 'flag', reference: '/lender/reference.png' },
      }),
    STEPS,
  );
  const result = await driveFlow(page);
  expect(result.status, describeRun(result)).toBe('complete');

  const bytes = fromBase64UrlStrict((await page.evaluate(() => window.sdkFlow.bundle())) ?? '');
  if (!bytes) throw new Error('no bundle');
  const opened = await openBundle(bytesSource(bytes), {
    ticketKeys: [ticketKey.publicJwk],
    decryptionKey: encKey.privateJwk,
    expectedNonce: nonce,
  });
  expect(opened.verdict.reasons).toEqual([]);
  const claim = opened.events.find((e) => e.type === 'face.match');
  if (!claim) throw new Error(`no face.match event: ${opened.events.map((e) => e.type).join(', ')}`);
  expect(claim.payload).toMatchObject({
    decision: 'match',
    policy: 'flag',
    reference: { file: 'lender-reference' },
  });
  expect(typeof claim.sealedFields.score).toBe('number');
  const liveness = opened.manifest.steps.find((s) => s.name === 'liveness');
  expect(liveness?.summary).toMatchObject({ faceMatch: 'passed' });

  // The lender's recompute from the sealed best frame.
  const probeFile = (claim.payload.probe as { file: string }).file;
  const chunks: Uint8Array[] = [];
  for await (const chunk of opened.decryptFile(probeFile)) chunks.push(chunk);
  const frame = new Uint8Array(Buffer.concat(chunks));
  const matcher = await loadFaceMatcher();
  const recomputed = await matcher.match(decodeImage(new Uint8Array(portrait)), decodeImage(frame));
  matcher.close();
  const check = checkFaceMatchClaim(claim.payload, claim.sealedFields, recomputed);
  console.log(
    `face match in the flow: device ${Number(claim.sealedFields.score).toFixed(4)}, lender ${recomputed.score.toFixed(4)}`,
  );
  expect(check.problems).toEqual([]);
});
