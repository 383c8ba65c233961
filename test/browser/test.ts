/**
 * The `test` every browser spec imports: Playwright's, plus a third-party-request guard that is
 * attached before the page loads and checked after the test body, so any request to another
 * origin fails the test. Specs that deliberately provoke one can check and clear `guard` themselves.
 */
import { test as base, expect } from '@playwright/test';
import { CHROMIUM_PATH, chromiumArgs, type FakeMedia } from './chromium.js';
import { ThirdPartyGuard } from './third-party-guard.js';

export const test = base.extend<{ guard: ThirdPartyGuard }>({
  guard: [
    async ({ context, baseURL }, use) => {
      if (!baseURL) throw new Error('baseURL must be set in playwright.config.ts');
      const guard = await ThirdPartyGuard.attach(context, baseURL);
      await use(guard);
      guard.assertNoThirdPartyRequests();
    },
    { auto: true },
  ],
});

export { expect };

/**
 * Per-file choice of the fake camera clip and microphone file:
 * `test.use(fakeMedia({ camera: 'photo-attack-astronaut', microphone: 'audio/silence-5s.wav' }))`.
 * (Chromium takes them as launch flags, so Playwright starts a browser for that file.)
 */
export function fakeMedia(media: FakeMedia) {
  return { launchOptions: { executablePath: CHROMIUM_PATH, args: chromiumArgs(media) } };
}
