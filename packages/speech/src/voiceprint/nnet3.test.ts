import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DualrecError } from '@dualrec/evidence';
import { describe, expect, it } from 'vitest';
import { parseKaldiMatrix, parseKaldiVector, parseNnet3 } from './nnet3.js';

const text = (s: string) => new TextEncoder().encode(s);

const TINY = `<Nnet3>
input-node name=input dim=2
component-node name=a component=a input=input
output-node name=output input=a

<NumComponents> 1
<ComponentName> a <NaturalGradientAffineComponent> <MaxChange> 0.75 <LearningRate> 0.001 <LinearParams>  [
  1 2
  3 4 ]
<BiasParams>  [ 0.5 -0.5 ]
<RankIn> 20 <RankOut> 80 <UpdatePeriod> 4 <NumSamplesHistory> 2000 <Alpha> 4 </NaturalGradientAffineComponent>
</Nnet3>
`;

/** Where `pnpm assets` puts the model (see docs/voiceprint.md). */
const VOSK_SPK_DIR =
  process.env.DUALREC_VOSK_SPK_DIR ??
  resolve(import.meta.dirname, '../../../../assets-dist/voiceprint/vosk-model-spk-0.4');

describe('parseNnet3', () => {
  it('reads a text nnet3 file with an affine component', () => {
    const model = parseNnet3(text(TINY));
    expect(model.config).toHaveLength(3);
    const a = model.components.get('a');
    expect(a?.type).toBe('NaturalGradientAffineComponent');
    expect(a?.fields.LinearParams).toEqual({ rows: 2, cols: 2, data: Float32Array.from([1, 2, 3, 4]) });
    expect(a?.fields.BiasParams).toEqual(Float32Array.from([0.5, -0.5]));
    expect(a?.fields.RankOut).toBe(80);
  });

  it('refuses a component type it does not implement', () => {
    const odd = TINY.replaceAll('NaturalGradientAffineComponent', 'LstmNonlinearityComponent');
    try {
      parseNnet3(text(odd));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DualrecError);
      expect((e as DualrecError).code).toBe('MODEL_FORMAT_UNSUPPORTED');
    }
  });

  it('refuses an unknown field and a truncated file', () => {
    expect(() => parseNnet3(text(TINY.replace('<Alpha>', '<Beta>')))).toThrow(
      expect.objectContaining({ code: 'MODEL_FORMAT_UNSUPPORTED' }),
    );
    expect(() => parseNnet3(text(TINY.slice(0, 200)))).toThrow(
      expect.objectContaining({ code: 'MODEL_FORMAT_INVALID' }),
    );
  });

  it('reads the binary vosk-model-spk-0.4 files', () => {
    const model = parseNnet3(new Uint8Array(readFileSync(resolve(VOSK_SPK_DIR, 'final.ext.raw'))));
    const types = new Set([...model.components.values()].map((c) => c.type));
    expect([...types].sort()).toEqual([
      'BatchNormComponent',
      'LogSoftmaxComponent',
      'NaturalGradientAffineComponent',
      'RectifiedLinearComponent',
      'StatisticsExtractionComponent',
      'StatisticsPoolingComponent',
    ]);
    const tdnn1 = model.components.get('tdnn1.affine')?.fields.LinearParams as { rows: number; cols: number };
    expect(tdnn1.cols).toBe(5 * 23);
    const mean = parseKaldiVector(new Uint8Array(readFileSync(resolve(VOSK_SPK_DIR, 'mean.vec'))));
    const transform = parseKaldiMatrix(new Uint8Array(readFileSync(resolve(VOSK_SPK_DIR, 'transform.mat'))));
    expect(mean.length).toBe(transform.cols);
  });
});
