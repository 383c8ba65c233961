/**
 * Failure limiting across liveness attempts. AWS Rekognition Face Liveness advises allowing at
 * most 5 failed attempts in 3 minutes and then a cool-down; we keep those defaults. The failure
 * times live in a store the lender can replace (e.g. sessionStorage, or its server) so reloading
 * the page does not reset the count.
 */
export interface FailureStore {
  load(): number[];
  save(times: number[]): void;
}

export class MemoryFailureStore implements FailureStore {
  private times: number[] = [];
  load(): number[] {
    return [...this.times];
  }
  save(times: number[]): void {
    this.times = [...times];
  }
}

export interface LimiterOptions {
  /** Failures allowed inside `windowMs` (default 5). */
  maxFailures?: number;
  /** default 180 000 (3 minutes). */
  windowMs?: number;
  /** Lock-out after reaching the limit, from the last failure (default 300 000). */
  cooldownMs?: number;
  store?: FailureStore;
}

export class AttemptLimiter {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly cooldownMs: number;
  private readonly store: FailureStore;

  constructor(options: LimiterOptions = {}) {
    this.maxFailures = options.maxFailures ?? 5;
    this.windowMs = options.windowMs ?? 180_000;
    this.cooldownMs = options.cooldownMs ?? 300_000;
    this.store = options.store ?? new MemoryFailureStore();
  }

  recordFailure(now: number): void {
    const times = this.store.load().filter((t) => t > now - Math.max(this.windowMs, this.cooldownMs));
    times.push(now);
    this.store.save(times);
  }

  /** When the lock-out ends, or `undefined` when attempts are allowed now. */
  lockedUntil(now: number): number | undefined {
    const times = this.store.load().sort((a, b) => a - b);
    const last = times.at(-1);
    if (last === undefined || now >= last + this.cooldownMs) return undefined;
    const recent = times.filter((t) => t > last - this.windowMs);
    return recent.length >= this.maxFailures ? last + this.cooldownMs : undefined;
  }
}
