/**
 * Delays between tus retries, ms, for the whole-bundle and the live upload alike: 0, 1, 3, 5,
 * 10 s, then every 20 s for about ten minutes — long enough for a phone to come back from a
 * tunnel or a lift, short enough that a dead server is reported while the applicant waits.
 */
export const DEFAULT_RETRY_DELAYS: readonly number[] = [
  0,
  1000,
  3000,
  5000,
  10_000,
  ...Array<number>(30).fill(20_000),
];
