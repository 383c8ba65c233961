/**
 * Permission denied: this file's Chromium has fake devices but no auto-accepting permission UI,
 * and denies prompts, as a user tapping "Block" would.
 */
import { CHROMIUM_PATH, chromiumArgs } from './chromium.js';
import { expect, test } from './test.js';

test.use({
  launchOptions: {
    executablePath: CHROMIUM_PATH,
    args: [
      ...chromiumArgs({ camera: 'talking-grid-s2', microphone: 'face-video/talking-grid-s2.wav' }).filter(
        (a) => a !== '--use-fake-ui-for-media-stream',
      ),
      '--deny-permission-prompts',
    ],
  },
});

import type { Lab } from './capture-support.js';

test('denied camera permission → CAMERA_PERMISSION_DENIED with what to do', async ({ page }) => {
  await page.goto('/capture-lab.html');
  await page.waitForFunction(() => document.body.dataset.ready === '1');
  const e = await page.evaluate(() => (window as unknown as Lab).lab.permissionDenied());
  expect(e?.code).toBe('CAMERA_PERMISSION_DENIED');
  expect(e?.en).toMatch(/settings/);
  expect(e?.zh).toMatch(/权限/);
});
