/**
 * The SDK's real steps in Chromium with fake camera and microphone (talking-grid-s2 and its own
 * sound, so lip sync can match), driven through <dualrec-flow> like an applicant: consent → ID
 * front/back (generated specimen photos through the file input) → passive liveness → recording
 * → seal. The spec is the lender: it answers the ticket request and verifies the bundle.
 *
 * One run per mode (zh-CN, en, elder mode) at a 360×780 phone viewport, with a screenshot of
 * every step view checked for layout (nothing wider than the screen, buttons large enough and on
 * screen). Screenshots go to test-results/screenshots/; with DUALREC_UPDATE_SCREENSHOTS=1 also to
 * docs/screenshots/. The disclosure script's prompts are cut to their first sentence to keep
 * the runs short; the full script runs end to end in demo-e2e.spec.ts.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  bytesSource,
  fromBase64UrlStrict,
  generateKeyPairJwk,
  issueTicket,
  openBundle,
} from '@dualrec/evidence';
import type { Page } from '@playwright/test';
import { specimen } from '../fixtures/id-card/node.js';
import { describeRun, driveFlow } from './flow-driver.js';
import { expect, fakeMedia, test } from './test.js';

test.use(fakeMedia({ camera: 'talking-grid-s2', microphone: 'face-video/talking-grid-s2.wav' }));
test.use({ viewport: { width: 360, height: 780 }, deviceScaleFactor: 2 });

const repo = resolve(import.meta.dirname, '../..');
const STEPS = ['support', 'consent', 'id-front', 'id-back', 'liveness', 'recording', 'seal'];

/** What is wrong with the layout of the element's current view (empty when nothing). */
function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const vw = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > vw)
      problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${vw})`);
    const root = document.querySelector('dualrec-flow')?.shadowRoot;
    if (!root) return ['no <dualrec-flow>'];
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ')[0]}` : ''}`;
    for (const el of root.querySelectorAll('*')) {
      // Visually hidden on purpose: the live region for screen readers and the file input inside its label.
      if (el.classList.contains('sr-only') || (el as HTMLInputElement).type === 'file') continue;
      // The indeterminate progress bar's stripe slides through its (clipping) track by design.
      // Its stripe is moved by a transform, which Chromium counts as scrollable overflow of the
      // track at some animation phases: neither the stripe nor the track is a layout problem.
      if (el.closest('.bar.indeterminate')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.left < -1 || r.right > vw + 1)
        problems.push(`${name(el)} sticks out (${Math.round(r.left)}–${Math.round(r.right)} of ${vw})`);
      const style = getComputedStyle(el);
      if (
        (el as HTMLElement).scrollWidth > (el as HTMLElement).clientWidth + 1 &&
        style.overflowX !== 'auto' &&
        style.overflowX !== 'scroll' &&
        el.tagName !== 'VIDEO'
      )
        problems.push(`${name(el)} clips its content horizontally`);
    }
    for (const el of root.querySelectorAll<HTMLElement>('button, [data-action]')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.height < 44)
        problems.push(`${name(el)} "${el.textContent?.trim()}" is ${Math.round(r.height)} px tall (< 44)`);
      if (!el.textContent?.trim()) problems.push(`${name(el)} has no text`);
    }
    return problems;
  });
}

for (const mode of [
  { id: 'zh-CN', locale: 'zh-CN', elderMode: false, verify: false },
  { id: 'en', locale: 'en', elderMode: false, verify: true },
  { id: 'elder', locale: 'zh-CN', elderMode: true, verify: false },
] as const) {
  test(`the whole on-device flow, ${mode.id}: every step at 360×780 without layout problems${mode.verify ? '; the sealed bundle verifies with every step’s events' : ''}`, async ({
    page,
  }) => {
    test.setTimeout(300_000);
    const ticketKey = await generateKeyPairJwk('ticket-signing');
    const encKey = await generateKeyPairJwk('encryption');
    const nonce = randomUUID();
    const sessionId = randomUUID();
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
    const front = await specimen(20261123, 'photo-like', 0, 'front');
    const back = await specimen(20261123, 'photo-like', 0, 'back');
    const shots = resolve(repo, 'test-results/screenshots', mode.id);
    const docs = process.env.DUALREC_UPDATE_SCREENSHOTS ? resolve(repo, 'docs/screenshots', mode.id) : null;
    rmSync(shots, { recursive: true, force: true });
    mkdirSync(shots, { recursive: true });
    if (docs) {
      rmSync(docs, { recursive: true, force: true });
      mkdirSync(docs, { recursive: true });
    }

    await page.goto('/sdk-flow.html');
    await page.waitForFunction(() => document.body.dataset.ready === '1');
    await page.evaluate(
      ([locale, elderMode, steps]) =>
        window.sdkFlow.start({ locale, elderMode, steps, passive: true, short: true }),
      [mode.locale, mode.elderMode, STEPS] as const,
    );
    let shot = 0;
    const problems: string[] = [];
    const result = await driveFlow(page, {
      cardFront: front.path,
      cardBack: back.path,
      onView: async (step, phase) => {
        // Let the view settle (fonts, video frame) before judging it.
        await page.waitForTimeout(300);
        const file = `${String(++shot).padStart(2, '0')}-${step || 'done'}-${phase}.png`;
        const png = await page.screenshot();
        writeFileSync(join(shots, file), png);
        if (docs) writeFileSync(join(docs, file), png);
        for (const p of await layoutProblems(page)) problems.push(`${file}: ${p}`);
      },
    });
    const events = await page.evaluate(() => window.sdkFlow.events());
    expect(result.status, describeRun(result)).toBe('complete');
    // Every step ran (a fast one, such as seal, may come and go between two looks of the driver).
    expect(
      events.filter((e) => e.type === 'dualrec-step').map((e) => (e.detail as { step: string }).step),
    ).toEqual(STEPS);
    expect(problems).toEqual([]);
    expect(shot).toBeGreaterThanOrEqual(STEPS.length);
    if (!mode.verify) return;

    const encoded = await page.evaluate(() => window.sdkFlow.bundle());
    const bytes = fromBase64UrlStrict(encoded ?? '');
    if (!bytes) throw new Error('no bundle');
    const opened = await openBundle(bytesSource(bytes), {
      ticketKeys: [ticketKey.publicJwk],
      decryptionKey: encKey.privateJwk,
      expectedNonce: nonce,
    });
    expect(opened.verdict.reasons).toEqual([]);
    expect(opened.manifest.sessionId).toBe(sessionId);
    expect(opened.manifest.files.map((f) => f.role).sort()).toEqual(
      ['best-frame', 'events', 'id-card', 'id-card', 'id-portrait', 'recording'].sort(),
    );
    expect(opened.manifest.steps.map((s) => `${s.name}:${s.status}`)).toEqual(
      STEPS.map((s) => `${s}:passed`),
    );
    const types = new Set(opened.events.map((e) => e.type));
    for (const type of [
      'consent.given',
      'ocr.card.result',
      'face.liveness.result',
      'capture.segment.start',
      'speech.segment',
      'face.presence',
      'session.end',
    ])
      expect(types, type).toContain(type);
    // Without the upload step nothing discards the stored session: it stays for recovery.
    expect(await page.evaluate(() => window.sdkFlow.storedSessions())).toBe(1);
  });
}
