import { defineConfig } from '@playwright/test';
import { CHROMIUM_PATH, chromiumArgs } from './chromium.js';

const PORT = Number(process.env.DUALREC_TEST_PORT ?? 5178);
const baseURL = `http://127.0.0.1:${PORT}`;

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  // Two cores: one browser at a time keeps timings (and MediaPipe) predictable.
  workers: 1,
  retries: 0,
  timeout: 120_000,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? [['list']] : [['list']],
  outputDir: `../../test-results/${PORT}`,
  use: {
    baseURL,
    browserName: 'chromium',
    viewport: { width: 390, height: 844 },
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: chromiumArgs({ camera: 'blink-webcam', microphone: 'face-video/talking-grid-s2.wav' }),
    },
    trace: 'retain-on-failure',
  },
  webServer: {
    env: { DUALREC_TEST_PORT: String(PORT) },
    command: `pnpm exec vite build -c test/browser/vite.config.ts && pnpm exec vite preview -c test/browser/vite.config.ts --host 127.0.0.1 --port ${PORT} --strictPort`,
    cwd: '../..',
    url: `${baseURL}/smoke.html`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
});
