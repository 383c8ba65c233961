/** Error mapping and constraints (the real camera is exercised by test/browser/capture-*.spec.ts). */
import { describe, expect, it, vi } from 'vitest';
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

describe('Camera lifecycle (fake tracks; the real camera is in the browser specs)', () => {
  class FakeTrack extends EventTarget {
    readyState: MediaStreamTrackState = 'live';
    constructor(readonly kind: 'video' | 'audio') {
      super();
    }
    stop() {
      this.readyState = 'ended';
    }
    getSettings() {
      return this.kind === 'video' ? { width: 640, height: 480, frameRate: 24 } : { sampleRate: 48000 };
    }
  }
  function fakeDevices() {
    const video = new FakeTrack('video');
    const audio = new FakeTrack('audio');
    const target = new EventTarget();
    const md = Object.assign(target, {
      getUserMedia: async () => ({
        getVideoTracks: () => [video],
        getAudioTracks: () => [audio],
        getTracks: () => [video, audio],
      }),
      enumerateDevices: async () => [],
    }) as unknown as MediaDevices;
    return { md, video, audio };
  }

  it('a track stopped by other code (no ended event) is noticed by the poll: CAMERA_ENDED once, logged', async () => {
    const { md, video } = fakeDevices();
    const logged: string[] = [];
    const camera = await openCamera({
      mediaDevices: md,
      pollMs: 10,
      events: { append: async (type) => logged.push(type) },
      document: new EventTarget() as unknown as Document,
    });
    const errors: string[] = [];
    camera.onEnded((e) => errors.push(e.code));
    video.stop();
    await new Promise((r) => setTimeout(r, 40));
    expect(errors).toEqual(['CAMERA_ENDED']);
    expect(camera.ended?.context).toMatchObject({ kind: 'video' });
    expect(logged).toEqual(['capture.camera.opened', 'capture.camera.ended']);
    camera.close();
  });

  it('close() stops both tracks and leaves no timer or listener behind', async () => {
    vi.useFakeTimers();
    try {
      const { md, video, audio } = fakeDevices();
      const doc = new EventTarget() as unknown as Document;
      const added: string[] = [];
      const removed: string[] = [];
      for (const target of [md, doc, video, audio] as unknown as EventTarget[]) {
        const add = target.addEventListener.bind(target);
        const remove = target.removeEventListener.bind(target);
        target.addEventListener = (type: string, fn: EventListenerOrEventListenerObject | null) => {
          added.push(type);
          add(type, fn);
        };
        target.removeEventListener = (type: string, fn: EventListenerOrEventListenerObject | null) => {
          removed.push(type);
          remove(type, fn);
        };
      }
      const camera = await openCamera({ mediaDevices: md, document: doc });
      expect(vi.getTimerCount()).toBe(1);
      camera.close();
      expect(vi.getTimerCount()).toBe(0);
      expect(video.readyState).toBe('ended');
      expect(audio.readyState).toBe('ended');
      expect(removed.sort()).toEqual(added.sort());
      expect(added).toContain('visibilitychange');
      expect(added).toContain('devicechange');
    } finally {
      vi.useRealTimers();
    }
  });
});
