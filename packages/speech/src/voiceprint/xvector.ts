/**
 * Speaker embedding (x-vector) with the Kaldi model vosk-model-spk-0.4, re-implemented in plain
 * JS: Kaldi MFCC (mfcc.conf: 8 kHz, 23 ceps, 20–3700 Hz), sliding CMN (window 300, centred, as
 * vosk does), the TDNN forward pass, mean+stddev pooling over all frames, `mean.vec`
 * subtraction, `transform.mat`, length normalisation. See docs/voiceprint.md.
 */
import { DualrecError } from '@dualrec/evidence';
import { resample } from '../audio/resample.js';
import {
  type Nnet3Matrix,
  type Nnet3Model,
  parseKaldiMatrix,
  parseKaldiVector,
  parseNnet3,
} from './nnet3.js';

const RATE = 8000;
const FRAME = 200;
const SHIFT = 80;
const FFT = 256;
const MEL = 23;
const CEPS = 23;
const LOW = 20;
const HIGH = 3700;
const EPS = 1.1920928955078125e-7;

const mel = (f: number) => 1127 * Math.log(1 + f / 700);

let tables:
  | { window: Float32Array; banks: Float32Array; dct: Float32Array; lifter: Float32Array }
  | undefined;
function getTables() {
  if (tables) return tables;
  const window = new Float32Array(FRAME);
  for (let i = 0; i < FRAME; i++) window[i] = (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (FRAME - 1))) ** 0.85;
  const bins = FFT / 2;
  const banks = new Float32Array(MEL * bins);
  const lo = mel(LOW);
  const delta = (mel(HIGH) - lo) / (MEL + 1);
  for (let m = 0; m < MEL; m++) {
    const left = lo + m * delta;
    const center = left + delta;
    const right = center + delta;
    for (let i = 0; i < bins; i++) {
      const f = mel((RATE / FFT) * i);
      if (f > left && f < right)
        banks[m * bins + i] = f <= center ? (f - left) / (center - left) : (right - f) / (right - center);
    }
  }
  const dct = new Float32Array(CEPS * MEL);
  for (let k = 0; k < CEPS; k++) {
    const norm = k === 0 ? Math.sqrt(1 / MEL) : Math.sqrt(2 / MEL);
    for (let n = 0; n < MEL; n++) dct[k * MEL + n] = norm * Math.cos((Math.PI / MEL) * (n + 0.5) * k);
  }
  const lifter = new Float32Array(CEPS);
  for (let i = 0; i < CEPS; i++) lifter[i] = 1 + 11 * Math.sin((Math.PI * i) / 22);
  tables = { window, banks, dct, lifter };
  return tables;
}

function fftPower(re: Float64Array, im: Float64Array, out: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j] as number, re[i] as number];
      [im[i], im[j]] = [im[j] as number, im[i] as number];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        const a = i + k;
        const b = a + len / 2;
        const xr = (re[b] as number) * wr - (im[b] as number) * wi;
        const xi = (re[b] as number) * wi + (im[b] as number) * wr;
        re[b] = (re[a] as number) - xr;
        im[b] = (im[a] as number) - xi;
        re[a] = (re[a] as number) + xr;
        im[a] = (im[a] as number) + xi;
      }
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = (re[i] as number) ** 2 + (im[i] as number) ** 2;
}

/**
 * Kaldi-compatible MFCC of 8 kHz samples in int16 scale (no dither, snip-edges), energy in c0.
 * Returns `frames × 23`, row-major.
 *
 * @example
 * ```ts
 * const { frames, data } = kaldiMfcc(samples8k);
 * ```
 */
export function kaldiMfcc(samples: Float32Array): { frames: number; data: Float32Array } {
  const { window, banks, dct, lifter } = getTables();
  const frames = samples.length < FRAME ? 0 : 1 + Math.floor((samples.length - FRAME) / SHIFT);
  const data = new Float32Array(frames * CEPS);
  const re = new Float64Array(FFT);
  const im = new Float64Array(FFT);
  const power = new Float64Array(FFT / 2);
  const logMel = new Float64Array(MEL);
  const w = new Float64Array(FRAME);
  for (let t = 0; t < frames; t++) {
    let mean = 0;
    for (let i = 0; i < FRAME; i++) mean += w[i] = samples[t * SHIFT + i] as number;
    mean /= FRAME;
    let energy = 0;
    for (let i = 0; i < FRAME; i++) {
      w[i] = (w[i] as number) - mean;
      energy += (w[i] as number) ** 2;
    }
    for (let i = FRAME - 1; i > 0; i--) w[i] = (w[i] as number) - 0.97 * (w[i - 1] as number);
    w[0] = (w[0] as number) * 0.03;
    re.fill(0);
    im.fill(0);
    for (let i = 0; i < FRAME; i++) re[i] = (w[i] as number) * (window[i] as number);
    fftPower(re, im, power);
    for (let m = 0; m < MEL; m++) {
      let s = 0;
      for (let i = 0; i < FFT / 2; i++) s += (banks[m * (FFT / 2) + i] as number) * (power[i] as number);
      logMel[m] = Math.log(Math.max(s, EPS));
    }
    for (let k = 0; k < CEPS; k++) {
      let s = 0;
      for (let n = 0; n < MEL; n++) s += (dct[k * MEL + n] as number) * (logMel[n] as number);
      data[t * CEPS + k] = s * (lifter[k] as number);
    }
    data[t * CEPS] = Math.log(Math.max(energy, EPS));
  }
  return { frames, data };
}

/** Kaldi's SlidingWindowCmn with center=true, window 300, no variance normalisation. */
export function slidingCmn(data: Float32Array, dim: number, window = 300): Float32Array {
  const frames = data.length / dim;
  const out = new Float32Array(data.length);
  const sum = new Float64Array(dim);
  const prefix = new Float64Array((frames + 1) * dim);
  for (let t = 0; t < frames; t++)
    for (let d = 0; d < dim; d++)
      prefix[(t + 1) * dim + d] = (prefix[t * dim + d] as number) + (data[t * dim + d] as number);
  for (let t = 0; t < frames; t++) {
    let start = t - Math.floor(window / 2);
    let end = start + window;
    if (start < 0) {
      end -= start;
      start = 0;
    }
    if (end > frames) {
      start -= end - frames;
      end = frames;
      if (start < 0) start = 0;
    }
    const n = end - start;
    for (let d = 0; d < dim; d++) {
      sum[d] = (prefix[end * dim + d] as number) - (prefix[start * dim + d] as number);
      out[t * dim + d] = (data[t * dim + d] as number) - (sum[d] as number) / n;
    }
  }
  return out;
}

interface Step {
  name: string;
  type: string;
  offsets: number[];
  fields: Record<string, unknown>;
}

function offsetsOf(descriptor: string): number[] {
  const d = descriptor.trim();
  if (d.startsWith('Append(')) {
    const inner = d.slice(7, -1);
    const parts = inner.split(/,(?![^()]*\))/);
    return parts.flatMap((p) => offsetsOf(p));
  }
  const off = /^Offset\(\s*[^,]+,\s*(-?\d+)\s*\)$/.exec(d);
  if (off) return [Number(off[1])];
  if (/^Round\(/.test(d) || /^[\w.-]+$/.test(d)) return [0];
  throw new DualrecError('MODEL_FORMAT_UNSUPPORTED', { detail: `nnet3: descriptor ${d} is not supported` });
}

/** A loaded x-vector extractor. */
export class XVectorExtractor {
  private readonly steps: Step[];
  constructor(
    model: Nnet3Model,
    private readonly mean: Float32Array,
    private readonly transform: Nnet3Matrix,
  ) {
    const outputLine = model.config.find((l) => l.startsWith('output-node'));
    const outputOf = /input=(\S+)/.exec(outputLine ?? '')?.[1];
    this.steps = [];
    for (const line of model.config) {
      if (!line.startsWith('component-node')) continue;
      const name = /name=(\S+)/.exec(line)?.[1] ?? '';
      const comp = model.components.get(/component=(\S+)/.exec(line)?.[1] ?? '');
      if (!comp)
        throw new DualrecError('MODEL_FORMAT_INVALID', { detail: `nnet3: node ${name} has no component` });
      this.steps.push({
        name,
        type: comp.type,
        offsets: offsetsOf(line.split(' input=')[1] ?? ''),
        fields: comp.fields,
      });
      if (name === outputOf) break;
    }
  }

  /** The 128-dim embedding of normalised features (`frames × 23`), before whitening. */
  private forward(features: Float32Array, dim: number): Float32Array {
    let x = features;
    let d = dim;
    let rows = features.length / dim;
    for (const step of this.steps) {
      if (step.type === 'NaturalGradientAffineComponent') {
        const W = step.fields.LinearParams as Nnet3Matrix;
        const b = step.fields.BiasParams as Float32Array;
        const offs = step.offsets;
        const min = Math.min(...offs);
        const outRows = rows - (Math.max(...offs) - min);
        if (outRows <= 0)
          throw new DualrecError('SPEECH_AUDIO_FAILED', {
            detail: 'x-vector: too few frames of audio (need at least 15)',
          });
        const out = new Float32Array(outRows * W.rows);
        const wd = W.data;
        for (let t = 0; t < outRows; t++) {
          for (let j = 0; j < W.rows; j++) {
            let s = b[j] as number;
            const wrow = j * W.cols;
            for (let k = 0; k < offs.length; k++) {
              const xrow = (t + (offs[k] as number) - min) * d;
              const wk = wrow + k * d;
              for (let i = 0; i < d; i++) s += (wd[wk + i] as number) * (x[xrow + i] as number);
            }
            out[t * W.rows + j] = s;
          }
        }
        x = out;
        d = W.rows;
        rows = outRows;
      } else if (step.type === 'RectifiedLinearComponent') {
        for (let i = 0; i < x.length; i++) if ((x[i] as number) < 0) x[i] = 0;
      } else if (step.type === 'BatchNormComponent') {
        const m = step.fields.StatsMean as Float32Array;
        const v = step.fields.StatsVar as Float32Array;
        const eps = step.fields.Epsilon as number;
        const rms = step.fields.TargetRms as number;
        const bd = m.length;
        const scale = new Float32Array(bd);
        for (let i = 0; i < bd; i++) scale[i] = rms / Math.sqrt((v[i] as number) + eps);
        for (let i = 0; i < x.length; i++)
          x[i] = ((x[i] as number) - (m[i % bd] as number)) * (scale[i % bd] as number);
      } else if (step.type === 'StatisticsExtractionComponent') {
        // folded into pooling
      } else if (step.type === 'StatisticsPoolingComponent') {
        const floor = (step.fields.VarianceFloor as number) ?? 1e-10;
        const out = new Float32Array(2 * d);
        for (let i = 0; i < d; i++) {
          let s = 0;
          let s2 = 0;
          for (let t = 0; t < rows; t++) {
            const v = x[t * d + i] as number;
            s += v;
            s2 += v * v;
          }
          const mu = s / rows;
          out[i] = mu;
          out[d + i] = Math.sqrt(Math.max(s2 / rows - mu * mu, floor));
        }
        x = out;
        d = 2 * d;
        rows = 1;
      } else {
        throw new DualrecError('MODEL_FORMAT_UNSUPPORTED', {
          detail: `nnet3: ${step.type} in the forward pass`,
        });
      }
    }
    return x;
  }

  /**
   * Embeds mono samples in [-1, 1] at `sampleRate`; returns a length-normalised 128-dim vector.
   *
   * @example
   * ```ts
   * const a = extractor.embed(samplesA, 16000);
   * const score = cosine(a, extractor.embed(samplesB, 16000));
   * ```
   */
  embed(samples: Float32Array, sampleRate: number): Float32Array {
    const pcm = resample(samples, sampleRate, RATE);
    for (let i = 0; i < pcm.length; i++) pcm[i] = (pcm[i] as number) * 32768;
    const { data } = kaldiMfcc(pcm);
    const raw = this.forward(slidingCmn(data, CEPS), CEPS);
    const T = this.transform;
    const out = new Float32Array(T.rows);
    let norm = 0;
    for (let r = 0; r < T.rows; r++) {
      let s = 0;
      for (let c = 0; c < T.cols; c++)
        s += (T.data[r * T.cols + c] as number) * ((raw[c] as number) - (this.mean[c] as number));
      out[r] = s;
      norm += s * s;
    }
    const scale = Math.sqrt(T.rows) / Math.sqrt(norm || 1);
    for (let r = 0; r < T.rows; r++) out[r] = (out[r] as number) * scale;
    return out;
  }
}

/** Loads the extractor from the bytes of `final.ext.raw`, `mean.vec` and `transform.mat`. */
export function loadXVectorExtractor(files: {
  nnet: Uint8Array;
  mean: Uint8Array;
  transform: Uint8Array;
}): XVectorExtractor {
  return new XVectorExtractor(
    parseNnet3(files.nnet),
    parseKaldiVector(files.mean),
    parseKaldiMatrix(files.transform),
  );
}

/** Cosine similarity of two embeddings. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] as number) * (b[i] as number);
    aa += (a[i] as number) ** 2;
    bb += (b[i] as number) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}
