/**
 * A reader for Kaldi's raw nnet3 model files (binary `\0B<Nnet3>` and text `<Nnet3>`), limited on
 * purpose to the component types of the x-vector TDNN `vosk-model-spk-0.4`. Anything else is
 * refused with `MODEL_FORMAT_UNSUPPORTED` rather than half-understood.
 */
import { DualrecError } from '@dualrec/evidence';

type FieldKind = 'int' | 'float' | 'bool' | 'vector' | 'matrix';

const NONLINEAR: Record<string, FieldKind> = {
  Dim: 'int',
  BlockDim: 'int',
  ValueAvg: 'vector',
  DerivAvg: 'vector',
  Count: 'float',
  OderivRms: 'vector',
  OderivCount: 'float',
  NumDimsSelfRepaired: 'float',
  NumDimsProcessed: 'float',
  SelfRepairScale: 'float',
  SelfRepairLowerThreshold: 'float',
  SelfRepairUpperThreshold: 'float',
};

/** The component types this reader accepts, with the type of each field it may carry. */
export const NNET3_COMPONENT_FIELDS: Readonly<Record<string, Readonly<Record<string, FieldKind>>>> = {
  NaturalGradientAffineComponent: {
    MaxChange: 'float',
    LearningRate: 'float',
    LearningRateFactor: 'float',
    L2Regularize: 'float',
    IsGradient: 'bool',
    OrthonormalConstraint: 'float',
    LinearParams: 'matrix',
    BiasParams: 'vector',
    RankIn: 'int',
    RankOut: 'int',
    UpdatePeriod: 'int',
    NumSamplesHistory: 'float',
    Alpha: 'float',
  },
  RectifiedLinearComponent: NONLINEAR,
  LogSoftmaxComponent: NONLINEAR,
  BatchNormComponent: {
    Dim: 'int',
    BlockDim: 'int',
    Epsilon: 'float',
    TargetRms: 'float',
    TestMode: 'bool',
    Count: 'float',
    StatsMean: 'vector',
    StatsVar: 'vector',
  },
  StatisticsExtractionComponent: {
    InputDim: 'int',
    InputPeriod: 'int',
    OutputPeriod: 'int',
    IncludeVarinance: 'bool',
  },
  StatisticsPoolingComponent: {
    InputDim: 'int',
    InputPeriod: 'int',
    LeftContext: 'int',
    RightContext: 'int',
    NumLogCountFeatures: 'int',
    OutputStddevs: 'bool',
    VarianceFloor: 'float',
  },
};

export interface Nnet3Matrix {
  rows: number;
  cols: number;
  /** Row-major. */
  data: Float32Array;
}

export type Nnet3Value = number | boolean | Float32Array | Nnet3Matrix;

export interface Nnet3Component {
  name: string;
  type: string;
  fields: Record<string, Nnet3Value>;
}

export interface Nnet3Model {
  /** The config lines (`input-node`, `component-node`, `output-node`) as written in the file. */
  config: string[];
  components: Map<string, Nnet3Component>;
}

function bad(
  detail: string,
  code: 'MODEL_FORMAT_INVALID' | 'MODEL_FORMAT_UNSUPPORTED' = 'MODEL_FORMAT_INVALID',
) {
  return new DualrecError(code, { detail: `nnet3: ${detail}` });
}

const SPACE = new Set([0x20, 0x0a, 0x0d, 0x09]);

/** Kaldi's basic-type reader, binary or text, over one byte buffer. */
class KaldiReader {
  pos = 0;
  private readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly binary: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  skipSpace(): void {
    while (this.pos < this.bytes.length && SPACE.has(this.bytes[this.pos] as number)) this.pos++;
  }
  token(): string {
    this.skipSpace();
    const start = this.pos;
    while (this.pos < this.bytes.length && !SPACE.has(this.bytes[this.pos] as number)) this.pos++;
    if (this.pos === start) throw bad(`unexpected end of file at byte ${start}`);
    const text = new TextDecoder().decode(this.bytes.subarray(start, this.pos));
    if (this.binary && this.bytes[this.pos] === 0x20) this.pos++;
    return text;
  }
  expect(token: string): void {
    const got = this.token();
    if (got !== token) throw bad(`expected ${token}, found ${got.slice(0, 40)}`);
  }
  private need(n: number): void {
    if (this.pos + n > this.bytes.length) throw bad('truncated file');
  }
  int(): number {
    if (!this.binary) return this.textNumber(true);
    this.need(5);
    const size = this.bytes[this.pos];
    if (size !== 4) throw bad(`int of size ${size}`);
    const v = this.view.getInt32(this.pos + 1, true);
    this.pos += 5;
    return v;
  }
  float(): number {
    if (!this.binary) return this.textNumber(false);
    this.need(1);
    const size = this.bytes[this.pos];
    if (size === 4) {
      this.need(5);
      const v = this.view.getFloat32(this.pos + 1, true);
      this.pos += 5;
      return v;
    }
    if (size === 8) {
      this.need(9);
      const v = this.view.getFloat64(this.pos + 1, true);
      this.pos += 9;
      return v;
    }
    throw bad(`float of size ${size}`);
  }
  bool(): boolean {
    this.skipSpace();
    const c = String.fromCharCode(this.bytes[this.pos] ?? 0);
    this.pos++;
    if (this.binary && this.bytes[this.pos] === 0x20) this.pos++;
    if (c === 'T') return true;
    if (c === 'F') return false;
    throw bad(`bad bool ${c}`);
  }
  private textNumber(integer: boolean): number {
    const t = this.token();
    const v = Number(t);
    if (!Number.isFinite(v) || (integer && !Number.isInteger(v))) throw bad(`bad number ${t.slice(0, 20)}`);
    return v;
  }
  private floats(n: number, double: boolean): Float32Array {
    const out = new Float32Array(n);
    const width = double ? 8 : 4;
    this.need(n * width);
    for (let i = 0; i < n; i++) {
      out[i] = double
        ? this.view.getFloat64(this.pos + i * 8, true)
        : this.view.getFloat32(this.pos + i * 4, true);
    }
    this.pos += n * width;
    return out;
  }
  vector(): Float32Array {
    if (!this.binary) return Float32Array.from(this.textBracket());
    const kind = this.token();
    if (kind !== 'FV' && kind !== 'DV')
      throw bad(`unsupported vector kind ${kind}`, 'MODEL_FORMAT_UNSUPPORTED');
    const n = this.int();
    if (n < 0) throw bad('negative vector size');
    return this.floats(n, kind === 'DV');
  }
  matrix(): Nnet3Matrix {
    if (!this.binary) {
      this.skipSpace();
      const rows: number[][] = [];
      this.expect('[');
      let row: number[] = [];
      for (;;) {
        const t = this.token();
        if (t === ']') break;
        row.push(Number(t));
        this.skipInlineSpace();
        if (this.bytes[this.pos] === 0x0a) {
          rows.push(row);
          row = [];
        }
      }
      if (row.length > 0) rows.push(row);
      const cols = rows[0]?.length ?? 0;
      if (rows.some((r) => r.length !== cols || r.some((v) => !Number.isFinite(v))))
        throw bad('ragged text matrix');
      return { rows: rows.length, cols, data: Float32Array.from(rows.flat()) };
    }
    const kind = this.token();
    if (kind !== 'FM' && kind !== 'DM')
      throw bad(`unsupported matrix kind ${kind}`, 'MODEL_FORMAT_UNSUPPORTED');
    const rows = this.int();
    const cols = this.int();
    if (rows < 0 || cols < 0) throw bad('negative matrix size');
    return { rows, cols, data: this.floats(rows * cols, kind === 'DM') };
  }
  private skipInlineSpace(): void {
    while (this.bytes[this.pos] === 0x20 || this.bytes[this.pos] === 0x09) this.pos++;
  }
  private textBracket(): number[] {
    this.expect('[');
    const out: number[] = [];
    for (;;) {
      const t = this.token();
      if (t === ']') return out;
      const v = Number(t);
      if (!Number.isFinite(v)) throw bad(`bad number ${t.slice(0, 20)}`);
      out.push(v);
    }
  }
  value(kind: FieldKind): Nnet3Value {
    switch (kind) {
      case 'int':
        return this.int();
      case 'float':
        return this.float();
      case 'bool':
        return this.bool();
      case 'vector':
        return this.vector();
      case 'matrix':
        return this.matrix();
    }
  }
}

/**
 * Parses a raw nnet3 file (`final.raw` / `final.ext.raw`).
 *
 * @example
 * ```ts
 * const model = parseNnet3(new Uint8Array(await (await fetch('/dualrec-assets/voiceprint/vosk-model-spk-0.4/final.ext.raw')).arrayBuffer()));
 * model.components.get('tdnn1.affine')?.type; // 'NaturalGradientAffineComponent'
 * ```
 */
export function parseNnet3(bytes: Uint8Array): Nnet3Model {
  const binary = bytes[0] === 0 && bytes[1] === 0x42;
  const r = new KaldiReader(bytes, binary);
  if (binary) r.pos = 2;
  r.expect('<Nnet3>');
  const config: string[] = [];
  // The config is plain text lines up to <NumComponents>, in both modes.
  const marker = new TextEncoder().encode('<NumComponents>');
  let end = r.pos;
  outer: for (; end + marker.length <= bytes.length; end++) {
    for (let k = 0; k < marker.length; k++) if (bytes[end + k] !== marker[k]) continue outer;
    break;
  }
  if (end + marker.length > bytes.length) throw bad('no <NumComponents>');
  for (const line of new TextDecoder().decode(bytes.subarray(r.pos, end)).split('\n')) {
    if (line.trim() !== '') config.push(line.trim());
  }
  r.pos = end;
  r.expect('<NumComponents>');
  const count = r.int();
  if (count < 0 || count > 10_000) throw bad(`bad component count ${count}`);
  const components = new Map<string, Nnet3Component>();
  for (let i = 0; i < count; i++) {
    r.expect('<ComponentName>');
    const name = r.token();
    const typeToken = r.token();
    const type = typeToken.replace(/^<|>$/g, '');
    const schema = NNET3_COMPONENT_FIELDS[type];
    if (!schema) throw bad(`component type ${type} (${name}) is not supported`, 'MODEL_FORMAT_UNSUPPORTED');
    const fields: Record<string, Nnet3Value> = {};
    for (;;) {
      const t = r.token();
      if (t === `</${type}>`) break;
      const field = t.replace(/^<|>$/g, '');
      const kind = schema[field];
      if (!kind) throw bad(`unknown field ${t.slice(0, 40)} in ${type} ${name}`, 'MODEL_FORMAT_UNSUPPORTED');
      fields[field] = r.value(kind);
    }
    components.set(name, { name, type, fields });
  }
  r.expect('</Nnet3>');
  return { config, components };
}

/** Reads a Kaldi binary or text vector file such as `mean.vec`. */
export function parseKaldiVector(bytes: Uint8Array): Float32Array {
  const binary = bytes[0] === 0 && bytes[1] === 0x42;
  const r = new KaldiReader(bytes, binary);
  if (binary) r.pos = 2;
  return r.vector();
}

/** Reads a Kaldi binary or text matrix file such as `transform.mat`. */
export function parseKaldiMatrix(bytes: Uint8Array): Nnet3Matrix {
  const binary = bytes[0] === 0 && bytes[1] === 0x42;
  const r = new KaldiReader(bytes, binary);
  if (binary) r.pos = 2;
  return r.matrix();
}
