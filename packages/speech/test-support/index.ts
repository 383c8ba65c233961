/**
 * Node-test helpers: decode the shared fixture wav files, a manual clock, and a "microphone"
 * that loops a wav into a FrameAudioSource on that clock the way Chromium's fake device loops it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FrameAudioSource } from '../src/audio/frame-source.js';
import type { Clock } from '../src/runner/seams.js';

export const FIXTURES = resolve(import.meta.dirname, '../../../../shared/fixtures');
export const SPEECH_FIXTURES = resolve(import.meta.dirname, '../../../test/fixtures/speech');

/** Decodes a PCM 16-bit mono/stereo wav (first channel). */
export function readWav(path: string): { samples: Float32Array; sampleRate: number } {
  const buf = readFileSync(path);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE')
    throw new Error(`${path}: not a wav`);
  let offset = 12;
  let sampleRate = 0;
  let channels = 1;
  let bits = 16;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      channels = buf.readUInt16LE(body + 2);
      sampleRate = buf.readUInt32LE(body + 4);
      bits = buf.readUInt16LE(body + 14);
    } else if (id === 'data') {
      if (bits !== 16) throw new Error(`${path}: ${bits}-bit wav`);
      const n = Math.floor(size / 2 / channels);
      const samples = new Float32Array(n);
      for (let i = 0; i < n; i++) samples[i] = buf.readInt16LE(body + i * 2 * channels) / 32768;
      return { samples, sampleRate };
    }
    offset = body + size + (size % 2);
  }
  throw new Error(`${path}: no data chunk`);
}

export function fixtureWav(relative: string) {
  return readWav(resolve(FIXTURES, relative));
}

export class ManualClock implements Clock {
  private time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Runs time forward, firing due timers in order and letting promises settle between them. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await flush();
      let next: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.timers)
        if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].callback();
    }
    this.time = end;
    await flush();
  }
}

export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/**
 * Pushes 20 ms frames of `samples` (looped) into `source` every 20 ms of clock time, starting now;
 * `stop()` ends it. Like Chromium's fake microphone, it plays whether or not anyone listens.
 */
export function loopMicrophone(
  clock: ManualClock,
  source: FrameAudioSource,
  samples: Float32Array,
  sampleRate: number,
) {
  const frame = Math.round(sampleRate * 0.02);
  let position = 0;
  let handle: unknown;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    const chunk = new Float32Array(frame);
    for (let i = 0; i < frame; i++) chunk[i] = samples[(position + i) % samples.length] as number;
    position = (position + frame) % samples.length;
    let sum = 0;
    for (const s of chunk) sum += s * s;
    source.push({ t: clock.now(), durationMs: 20, rms: Math.sqrt(sum / frame) }, chunk);
    handle = clock.setTimeout(tick, 20);
  };
  handle = clock.setTimeout(tick, 0);
  return {
    stop() {
      stopped = true;
      clock.clearTimeout(handle);
    },
  };
}

/** Lets the runner finish its asynchronous start (the script fingerprint uses WebCrypto). */
export async function untilStarted(runner: { view: { phase: string } }): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (runner.view.phase === 'idle' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  if (runner.view.phase === 'idle') throw new Error('the runner did not start');
}
