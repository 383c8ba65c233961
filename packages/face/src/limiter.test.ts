import { describe, expect, it } from 'vitest';
import { AttemptLimiter } from './limiter.js';

describe('AttemptLimiter (AWS: at most 5 failures in 3 minutes, then a cool-down)', () => {
  it('locks after the fifth failure inside the window, until the cool-down ends', () => {
    const l = new AttemptLimiter();
    for (let i = 0; i < 4; i++) l.recordFailure(i * 30_000);
    expect(l.lockedUntil(120_000)).toBeUndefined();
    l.recordFailure(150_000);
    expect(l.lockedUntil(150_001)).toBe(450_000);
    expect(l.lockedUntil(450_000)).toBeUndefined();
  });

  it('failures spread wider than the window do not lock', () => {
    const l = new AttemptLimiter({ maxFailures: 3, windowMs: 60_000, cooldownMs: 10_000 });
    for (const t of [0, 50_000, 100_000, 150_000]) l.recordFailure(t);
    expect(l.lockedUntil(150_001)).toBeUndefined();
  });
});
