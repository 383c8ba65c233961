/**
 * Zero-model voice activity detection on frame energies, with an adaptive noise floor.
 *
 * It runs everywhere (no model download, microseconds a frame), so it is the always-on baseline.
 * Energy alone false-alarms on loud steady noise (a fan, traffic); the adaptive floor absorbs
 * steady noise, and the measured numbers are recorded as claims, never as the only proof: the
 * recording itself is in the bundle for re-checking.
 */

/** One analysis frame of microphone audio. */
export interface AudioFrame {
  /** Start of the frame on the runner's clock, in milliseconds. */
  t: number;
  durationMs: number;
  /** Root-mean-square amplitude of the frame's samples (full scale = 1). */
  rms: number;
}

export interface VadFrame extends AudioFrame {
  /** Frame level in dBFS (digital silence is clamped to -120). */
  db: number;
  /** Noise floor estimate when the frame was judged, dBFS. */
  floorDb: number;
  speech: boolean;
}

export interface EnergyVadOptions {
  /** A frame is loud when it is this many dB above the noise floor (default 10). */
  thresholdDb?: number;
  /** …and above this absolute level, so near-silence never counts as speech (default -55 dBFS). */
  minLevelDb?: number;
  /** Loud frames needed in a row before speech starts (default 60 ms): clicks are not speech. */
  minSpeechMs?: number;
  /** Quiet time before speech ends (default 250 ms): gaps between syllables stay speech. */
  hangoverMs?: number;
  /**
   * The noise floor is the quietest frame level over this window (default 3000 ms): long enough
   * to contain a pause between words, so continuous speech does not become "noise", short enough
   * to follow a change of room.
   */
  floorWindowMs?: number;
}

export function rmsToDb(rms: number): number {
  return rms > 1e-6 ? 20 * Math.log10(rms) : -120;
}

export class EnergyVad {
  private readonly thresholdDb: number;
  private readonly minLevelDb: number;
  private readonly minSpeechMs: number;
  private readonly hangoverMs: number;
  private readonly floorWindowMs: number;
  private readonly recent: Array<{ t: number; db: number }> = [];
  private floorDb = -120;
  private inSpeech = false;
  private loudMs = 0;
  private quietMs = 0;

  constructor(options: EnergyVadOptions = {}) {
    this.thresholdDb = options.thresholdDb ?? 10;
    this.minLevelDb = options.minLevelDb ?? -55;
    this.minSpeechMs = options.minSpeechMs ?? 60;
    this.hangoverMs = options.hangoverMs ?? 250;
    this.floorWindowMs = options.floorWindowMs ?? 3000;
  }

  get speaking(): boolean {
    return this.inSpeech;
  }

  get noiseFloorDb(): number {
    return this.floorDb;
  }

  push(frame: AudioFrame): VadFrame {
    const db = rmsToDb(frame.rms);
    // Minimum statistics over the window, including this frame (so the very first frame sets it).
    this.recent.push({ t: frame.t, db });
    while ((this.recent[0] as { t: number }).t < frame.t - this.floorWindowMs) this.recent.shift();
    let floorDb = db;
    for (const r of this.recent) if (r.db < floorDb) floorDb = r.db;
    this.floorDb = floorDb;
    const loud = db >= floorDb + this.thresholdDb && db >= this.minLevelDb;
    if (loud) {
      this.loudMs += frame.durationMs;
      this.quietMs = 0;
      if (!this.inSpeech && this.loudMs >= this.minSpeechMs) this.inSpeech = true;
    } else {
      this.loudMs = 0;
      this.quietMs += frame.durationMs;
      if (this.inSpeech && this.quietMs >= this.hangoverMs) this.inSpeech = false;
    }
    return { ...frame, db, floorDb, speech: this.inSpeech };
  }
}

/** Splits mono samples into frames and computes each frame's RMS (for files, tests and the worklet's host). */
export function framesFromSamples(
  samples: Float32Array,
  sampleRate: number,
  options: { frameMs?: number; startT?: number } = {},
): AudioFrame[] {
  const frameMs = options.frameMs ?? 20;
  const size = Math.round((sampleRate * frameMs) / 1000);
  const frames: AudioFrame[] = [];
  for (let start = 0; start + size <= samples.length; start += size) {
    let sum = 0;
    for (let i = start; i < start + size; i++) sum += (samples[i] as number) ** 2;
    frames.push({
      t: (options.startT ?? 0) + (start / sampleRate) * 1000,
      durationMs: frameMs,
      rms: Math.sqrt(sum / size),
    });
  }
  return frames;
}

/** What a segment's voice activity adds up to. */
export interface SpeechSummary {
  /** Listening time covered by frames, ms. */
  durationMs: number;
  /** Time judged speech, ms. */
  speechMs: number;
  /** speechMs / durationMs. */
  speechRatio: number;
  /** From the start of listening to the first speech, ms; null without speech. */
  onsetMs: number | null;
  /** From the first speech to the end of the last, ms (the reading's length). */
  speechSpanMs: number;
  /** speechMs / speechSpanMs: how continuously the applicant spoke once started. */
  continuity: number;
  /** Median level of speech frames and of non-speech frames, dBFS (null when there were none). */
  speechLevelDb: number | null;
  noiseLevelDb: number | null;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

export function summarizeSpeech(frames: readonly VadFrame[], startT?: number): SpeechSummary {
  const first = frames[0];
  const last = frames.at(-1);
  if (!first || !last) {
    return {
      durationMs: 0,
      speechMs: 0,
      speechRatio: 0,
      onsetMs: null,
      speechSpanMs: 0,
      continuity: 0,
      speechLevelDb: null,
      noiseLevelDb: null,
    };
  }
  const origin = startT ?? first.t;
  const durationMs = last.t + last.durationMs - origin;
  let speechMs = 0;
  let firstSpeech: number | null = null;
  let lastSpeechEnd = 0;
  const speechDb: number[] = [];
  const noiseDb: number[] = [];
  for (const frame of frames) {
    if (frame.speech) {
      speechMs += frame.durationMs;
      firstSpeech ??= frame.t;
      lastSpeechEnd = frame.t + frame.durationMs;
      speechDb.push(frame.db);
    } else noiseDb.push(frame.db);
  }
  const speechSpanMs = firstSpeech === null ? 0 : lastSpeechEnd - firstSpeech;
  return {
    durationMs,
    speechMs,
    speechRatio: durationMs > 0 ? speechMs / durationMs : 0,
    onsetMs: firstSpeech === null ? null : Math.max(0, firstSpeech - origin),
    speechSpanMs,
    continuity: speechSpanMs > 0 ? speechMs / speechSpanMs : 0,
    speechLevelDb: median(speechDb),
    noiseLevelDb: median(noiseDb),
  };
}
