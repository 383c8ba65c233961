/**
 * The benchmark contract. A package's benchmarks live in `packages/NAME/bench/*.bench.ts` (node)
 * or `packages/NAME/bench/*.browser-bench.ts` (headless Chromium) and export `suite`.
 *
 * Every case pairs the thing we ship (`subject`) with a baseline measured in the same run on the
 * same input (the raw library call or native primitive), so the reported ratio means something
 * on a shared, noisy machine where absolute times do not. Runs of the two are interleaved.
 */
export interface BenchFn {
  /** e.g. "raw crypto.subtle AES-GCM" or "sealRecords()". */
  label: string;
  /** One iteration. May return extra metrics (e.g. `{ peakHeapMiB: 12 }`) reported beside the times. */
  run(): unknown | Promise<unknown>;
}

export interface BenchCase {
  name: string;
  /** Bytes processed per iteration: when set, throughput (MB/s) is reported and compared. */
  bytes?: number;
  /** Timed iterations per side (default 15) after `warmup` untimed ones (default 2). */
  iterations?: number;
  warmup?: number;
  setup?(): unknown | Promise<unknown>;
  teardown?(): unknown | Promise<unknown>;
  baseline: BenchFn;
  subject: BenchFn;
  /** A target to report against, e.g. `{ minRatio: 0.7 }`: shown, never fails the run. */
  target?: { minRatio?: number; maxRatio?: number };
}

export interface BenchSuite {
  name: string;
  cases: BenchCase[];
}

export interface BenchSideResult {
  label: string;
  medianMs: number;
  p95Ms: number;
  /** MB/s from the median, when `bytes` is set. */
  throughputMBps?: number;
  metrics?: Record<string, number>;
}

export interface BenchResult {
  suite: string;
  environment: 'node' | 'chromium';
  case: string;
  baseline: BenchSideResult;
  subject: BenchSideResult;
  /** subject speed / baseline speed (1.0 = as fast as the baseline; higher is better). */
  ratio: number;
  target?: BenchCase['target'];
  meetsTarget?: boolean;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

function mergeMetrics(into: Record<string, number>, value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'number') into[key] = Math.max(into[key] ?? Number.NEGATIVE_INFINITY, v);
  }
}

/** Runs one case; works unchanged in node and in the browser (uses `performance.now`). */
export async function runCase(
  suite: string,
  environment: BenchResult['environment'],
  benchCase: BenchCase,
): Promise<BenchResult> {
  const iterations = benchCase.iterations ?? 15;
  const warmup = benchCase.warmup ?? 2;
  await benchCase.setup?.();
  try {
    const sides = [benchCase.baseline, benchCase.subject];
    const times: number[][] = [[], []];
    const metrics: Record<string, number>[] = [{}, {}];
    for (let i = 0; i < warmup + iterations; i++) {
      // Alternate which side goes first so drift in machine load hits both alike.
      const order = i % 2 === 0 ? [0, 1] : [1, 0];
      for (const side of order) {
        const fn = sides[side] as BenchFn;
        const start = performance.now();
        const out = await fn.run();
        const elapsed = performance.now() - start;
        if (i >= warmup) {
          (times[side] as number[]).push(elapsed);
          mergeMetrics(metrics[side] as Record<string, number>, out);
        }
      }
    }
    const summarize = (side: number): BenchSideResult => {
      const sorted = [...(times[side] as number[])].sort((a, b) => a - b);
      const medianMs = percentile(sorted, 50);
      const m = metrics[side] as Record<string, number>;
      return {
        label: (sides[side] as BenchFn).label,
        medianMs,
        p95Ms: percentile(sorted, 95),
        ...(benchCase.bytes ? { throughputMBps: benchCase.bytes / 1e6 / (medianMs / 1000) } : {}),
        ...(Object.keys(m).length ? { metrics: m } : {}),
      };
    };
    const baseline = summarize(0);
    const subject = summarize(1);
    const ratio = baseline.medianMs / subject.medianMs;
    const target = benchCase.target;
    const meetsTarget = target
      ? (target.minRatio === undefined || ratio >= target.minRatio) &&
        (target.maxRatio === undefined || ratio <= target.maxRatio)
      : undefined;
    return {
      suite,
      environment,
      case: benchCase.name,
      baseline,
      subject,
      ratio,
      ...(target ? { target, meetsTarget } : {}),
    };
  } finally {
    await benchCase.teardown?.();
  }
}
