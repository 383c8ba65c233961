import { defineConfig } from 'vitest/config';

// Node unit tests live beside the code they test; cross-package node tests live in test/unit;
// the lender server's attack suite (loopback, one test per finding of issue 16) in test/attack.
// Browser tests run under Playwright (test/browser), not here.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/unit/**/*.test.ts', 'test/attack/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    pool: 'forks',
  },
});
