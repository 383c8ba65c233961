/**
 * Lip–voice sync: does the mouth on camera move with the voice on the microphone?
 *
 * Both signals are put on one 20 ms grid, the audio as a log-energy envelope and the mouth as an
 * openness value (e.g. MediaPipe's `jawOpen` blendshape), each smoothed and z-normalised; the
 * score is the largest normalised cross-correlation over lags within ±300 ms (camera and
 * microphone pipelines are not aligned to better than that on phones). Replayed audio, someone
 * else speaking, or a photo held to the camera give low scores; a person reading gives a clearly
 * positive one. Pure: the browser collector (collector.ts) gathers the samples.
 */

export interface MouthSample {
  /** Time on the runner's clock, ms (the video frame's time). */
  t: number;
  /** Mouth openness, any monotonic scale (jawOpen is 0–1). */
  openness: number;
}

export interface EnvelopeSample {
  /** Time on the runner's clock, ms (the audio frame's start). */
  t: number;
  /** Frame RMS (full scale 1). */
  rms: number;
}

export interface LipSyncOptions {
  /** Largest lag searched either way, ms (default 300). */
  maxLagMs?: number;
  /** Grid step, ms (default 20). */
  stepMs?: number;
  /** Mouth samples further apart than this leave a gap, not an interpolation (default 250 ms). */
  maxMouthGapMs?: number;
  /** Below this standard deviation the mouth is taken as not moving (default 0.01 of jawOpen). */
  minMouthStd?: number;
  /** Fewer overlapping grid points than this give no score (default 50 = 1 s). */
  minPoints?: number;
}

export type LipSyncIssue = 'too-few-samples' | 'mouth-static' | 'audio-silent';

export interface LipSyncResult {
  /** Max normalised cross-correlation over the lag window, -1…1; 0 when it cannot be computed. */
  score: number;
  /** Lag of the best score: positive means the mouth moves after the sound. */
  lagMs: number;
  /** Grid points compared at the best lag. */
  points: number;
  mouthStd: number;
  /** Why the score is 0 or unreliable, if it is. */
  issue: LipSyncIssue | null;
}

const LOG_FLOOR = -70;

function smooth(values: Float64Array, radius: number): Float64Array {
  if (radius <= 0) return values;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let sum = 0;
    let n = 0;
    for (let j = i - radius; j <= i + radius; j++) {
      const v = values[j];
      if (v !== undefined && !Number.isNaN(v)) {
        sum += v;
        n++;
      }
    }
    out[i] = n > 0 && !Number.isNaN(values[i] as number) ? sum / n : Number.NaN;
  }
  return out;
}

function stats(values: Float64Array): { mean: number; std: number; n: number } {
  let sum = 0;
  let n = 0;
  for (const v of values)
    if (!Number.isNaN(v)) {
      sum += v;
      n++;
    }
  const mean = n > 0 ? sum / n : 0;
  let sq = 0;
  for (const v of values) if (!Number.isNaN(v)) sq += (v - mean) ** 2;
  return { mean, std: n > 1 ? Math.sqrt(sq / n) : 0, n };
}

/** Resamples mouth samples onto the grid by linear interpolation, leaving NaN in gaps. */
function mouthOnGrid(
  samples: readonly MouthSample[],
  t0: number,
  step: number,
  length: number,
  maxGap: number,
): Float64Array {
  const out = new Float64Array(length).fill(Number.NaN);
  let j = 0;
  for (let i = 0; i < length; i++) {
    const t = t0 + i * step;
    while (j + 1 < samples.length && (samples[j + 1] as MouthSample).t < t) j++;
    const a = samples[j] as MouthSample;
    const b = samples[j + 1];
    if (a.t === t) out[i] = a.openness;
    else if (b && a.t <= t && b.t >= t && b.t - a.t <= maxGap) {
      const f = (t - a.t) / (b.t - a.t);
      out[i] = a.openness + f * (b.openness - a.openness);
    }
  }
  return out;
}

/** Averages the audio envelope (in dB) into grid cells. */
function audioOnGrid(
  samples: readonly EnvelopeSample[],
  t0: number,
  step: number,
  length: number,
): Float64Array {
  const sums = new Float64Array(length);
  const counts = new Uint32Array(length);
  for (const s of samples) {
    const i = Math.floor((s.t - t0) / step);
    if (i < 0 || i >= length) continue;
    const db = s.rms > 1e-6 ? Math.max(LOG_FLOOR, 20 * Math.log10(s.rms)) : LOG_FLOOR;
    sums[i] = (sums[i] as number) + db;
    counts[i] = (counts[i] as number) + 1;
  }
  const out = new Float64Array(length).fill(Number.NaN);
  for (let i = 0; i < length; i++)
    if ((counts[i] as number) > 0) out[i] = (sums[i] as number) / (counts[i] as number);
  // Fill single missing cells (frame jitter) from their neighbours.
  for (let i = 1; i + 1 < length; i++)
    if (
      Number.isNaN(out[i] as number) &&
      !Number.isNaN(out[i - 1] as number) &&
      !Number.isNaN(out[i + 1] as number)
    )
      out[i] = ((out[i - 1] as number) + (out[i + 1] as number)) / 2;
  return out;
}

/** Pearson correlation of a[i] with b[i + shift] over the points where both exist. */
function correlationAt(a: Float64Array, b: Float64Array, shift: number): { r: number; n: number } {
  let n = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i + shift];
    if (y === undefined || Number.isNaN(x) || Number.isNaN(y)) continue;
    sa += x;
    sb += y;
    n++;
  }
  if (n < 2) return { r: 0, n };
  const ma = sa / n;
  const mb = sb / n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i + shift];
    if (y === undefined || Number.isNaN(x) || Number.isNaN(y)) continue;
    cov += (x - ma) * (y - mb);
    va += (x - ma) ** 2;
    vb += (y - mb) ** 2;
  }
  return { r: va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0, n };
}

export function lipSyncScore(
  mouth: readonly MouthSample[],
  audio: readonly EnvelopeSample[],
  options: LipSyncOptions = {},
): LipSyncResult {
  const step = options.stepMs ?? 20;
  const maxLag = options.maxLagMs ?? 300;
  const minPoints = options.minPoints ?? 50;
  const sortedMouth = [...mouth].filter((m) => Number.isFinite(m.openness)).sort((a, b) => a.t - b.t);
  const none = (issue: LipSyncIssue, mouthStd = 0): LipSyncResult => ({
    score: 0,
    lagMs: 0,
    points: 0,
    mouthStd,
    issue,
  });
  const firstMouth = sortedMouth[0];
  const lastMouth = sortedMouth.at(-1);
  const firstAudio = audio[0];
  const lastAudio = audio.at(-1);
  if (!firstMouth || !lastMouth || !firstAudio || !lastAudio || sortedMouth.length < 10)
    return none('too-few-samples');
  const t0 = Math.max(firstMouth.t, firstAudio.t) - maxLag;
  const t1 = Math.min(lastMouth.t, lastAudio.t) + maxLag;
  const length = Math.floor((t1 - t0) / step);
  if (length < minPoints) return none('too-few-samples');

  const mouthGrid = smooth(mouthOnGrid(sortedMouth, t0, step, length, options.maxMouthGapMs ?? 250), 1);
  const audioGrid = smooth(audioOnGrid(audio, t0, step, length), 2);
  const mouthStats = stats(mouthGrid);
  if (mouthStats.std < (options.minMouthStd ?? 0.01)) return none('mouth-static', mouthStats.std);
  if (stats(audioGrid).std < 1) return none('audio-silent', mouthStats.std);

  const maxShift = Math.round(maxLag / step);
  let best = { score: -1, shift: 0, n: 0 };
  // shift > 0 compares audio at t with the mouth at t + shift·step (mouth after sound).
  for (let shift = -maxShift; shift <= maxShift; shift++) {
    const { r, n } = correlationAt(audioGrid, mouthGrid, shift);
    if (n >= minPoints && r > best.score) best = { score: r, shift, n };
  }
  if (best.n === 0) return none('too-few-samples', mouthStats.std);
  return {
    score: best.score,
    lagMs: best.shift * step,
    points: best.n,
    mouthStd: mouthStats.std,
    issue: null,
  };
}
