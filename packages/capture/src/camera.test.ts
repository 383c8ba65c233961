/** Error mapping and constraints (the real camera is exercised by test/browser/capture-*.spec.ts). */
import { describe, expect, it } from 'vitest';
import { cameraConstraints, mapMediaError, openCamera } from './camera.js';

const err = (name: string, extra: object = {}) =>
  Object.assign(new Error(`${name} happened`), { name }, extra);
const devices = (...kinds: MediaDeviceKind[]) =>
  ({ enumerateDevices: async () => kinds.map((kind) => ({ kind })) }) as unknown as MediaDevices;

describe('mapMediaError', () => {
  it.each([
    ['NotAllowedError', 'CAMERA_PERMISSION_DENIED'],
    ['SecurityError', 'CAMERA_PERMISSION_DENIED'],
    ['NotReadableError', 'CAMERA_IN_USE'],
    ['AbortError', 'CAMERA_IN_USE'],
    ['NotFoundError', 'CAMERA_NOT_FOUND'],
    ['TypeError', 'CAPTURE_UNSUPPORTED'],
  ])('%s → %s', async (name, code) => {
    const mapped = await mapMediaError(err(name), devices('videoinput', 'audioinput'));
    expect(mapped.code).toBe(code);
    expect(mapped.cause).toBeInstanceOf(Error);
  });

  it('a missing microphone is told apart from a missing camera', async () => {
    expect((await mapMediaError(err('NotFoundError'), devices('videoinput'))).code).toBe(
      'MICROPHONE_NOT_FOUND',
    );
    expect((await mapMediaError(err('NotFoundError'), devices('audioinput'))).code).toBe('CAMERA_NOT_FOUND');
    const exact = err('OverconstrainedError', { constraint: 'deviceId' });
    expect((await mapMediaError(exact, devices('videoinput'))).code).toBe('CAMERA_NOT_FOUND');
  });

  it('messages say what to do, in both languages', async () => {
    const mapped = await mapMediaError(err('NotAllowedError'));
    expect(mapped.localizedMessage('en')).toMatch(/settings/);
    expect(mapped.localizedMessage('zh-CN')).toMatch(/设置/);
  });
});

describe('cameraConstraints', () => {
  it('front camera, 640×480, 15–30 fps, evidence audio unprocessed by default', () => {
    const c = cameraConstraints();
    expect(c.video).toMatchObject({
      width: { ideal: 640 },
      height: { ideal: 480 },
      frameRate: { min: 15, ideal: 24, max: 30 },
      facingMode: { ideal: 'user' },
    });
    expect(c.audio).toMatchObject({
      echoCancellation: false,
      noiseSuppression: false,
      autoGainControl: false,
    });
  });

  it('rear camera, 720p, a specific device, echo cancellation on request', () => {
    expect(cameraConstraints({ facing: 'environment', resolution: '720p' }).video).toMatchObject({
      width: { ideal: 1280 },
      facingMode: { ideal: 'environment' },
    });
    const byId = cameraConstraints({ deviceId: 'abc', echoCancellation: true });
    expect(byId.video).toMatchObject({ deviceId: { exact: 'abc' } });
    expect((byId.video as MediaTrackConstraints).facingMode).toBeUndefined();
    expect(byId.audio).toMatchObject({ echoCancellation: true });
  });
});

describe('openCamera', () => {
  it('without getUserMedia → CAPTURE_UNSUPPORTED', async () => {
    await expect(openCamera({ mediaDevices: {} as MediaDevices })).rejects.toMatchObject({
      code: 'CAPTURE_UNSUPPORTED',
    });
  });

  it('maps a refusal from the injected mediaDevices', async () => {
    const md = {
      getUserMedia: async () => {
        throw err('NotAllowedError');
      },
      enumerateDevices: async () => [],
    } as unknown as MediaDevices;
    await expect(openCamera({ mediaDevices: md })).rejects.toMatchObject({
      code: 'CAMERA_PERMISSION_DENIED',
    });
  });
});
