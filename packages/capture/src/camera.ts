/**
 * Camera and microphone for evidence recording.
 *
 * Constraints (why): 640×480 by default — what cheap phones encode in real time next to the ML
 * steps, and enough for a face and an ID card at arm's length; '720p' for branch devices. Frame rate
 * ideal 24, 15–30: below 15 lip–voice sync and blink checks lose events. Audio: echo cancellation,
 * noise suppression and auto gain OFF by default — the recording is evidence, and those filters
 * alter or gate the applicant's voice (AGC pumps, NS can cut quiet speech, AEC can suppress speech
 * overlapping the TTS prompt). Turn echo cancellation on only where prompts play through a loud
 * speaker and the echo would be worse than the filter (an option, and logged).
 */
import { DualrecError } from '@dualrec/evidence/errors';

export type Facing = 'user' | 'environment';

/** Where camera/microphone facts go: an EvidenceLog, or anything with the same `append`. */
export interface EventSink {
  append(type: string, payload?: { [key: string]: unknown }): Promise<unknown>;
}

export interface CameraOptions {
  /** 'user' (front, default) or 'environment' (rear, e.g. branch use). Ignored when deviceId is set. */
  facing?: Facing;
  /** A specific camera from listCameras() (external or rear camera in a branch). Exact. */
  deviceId?: string;
  resolution?: '480p' | '720p';
  frameRate?: { min?: number; ideal?: number; max?: number };
  /** Default false (see the module comment). */
  echoCancellation?: boolean;
  /** Injectable seam (tests, WebView bridges). Default navigator.mediaDevices. */
  mediaDevices?: MediaDevices;
  /** Injectable seam for visibility changes. Default globalThis.document. */
  document?: Document;
  /** Camera facts, track end, device and visibility changes are appended here. */
  events?: EventSink;
  signal?: AbortSignal;
  /** How often track state is polled (ms): a track stopped by other code fires no 'ended'. */
  pollMs?: number;
}

export interface CameraInfo {
  deviceId: string;
  /** Empty until the user granted camera access (browser privacy rule). */
  label: string;
  facing: Facing | 'unknown';
}

function sizeFor(resolution: CameraOptions['resolution']) {
  return resolution === '720p' ? { width: 1280, height: 720 } : { width: 640, height: 480 };
}

export function cameraConstraints(options: CameraOptions = {}): MediaStreamConstraints {
  const { width, height } = sizeFor(options.resolution);
  const fr = options.frameRate ?? {};
  const video: MediaTrackConstraints = {
    width: { ideal: width },
    height: { ideal: height },
    frameRate: { min: fr.min ?? 15, ideal: fr.ideal ?? 24, max: fr.max ?? 30 },
    ...(options.deviceId
      ? { deviceId: { exact: options.deviceId } }
      : { facingMode: { ideal: options.facing ?? 'user' } }),
  };
  const echo = options.echoCancellation ?? false;
  const audio: MediaTrackConstraints = {
    echoCancellation: echo,
    noiseSuppression: false,
    autoGainControl: false,
    channelCount: { ideal: 1 },
  };
  return { video, audio };
}

function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null ? String((error as { name?: unknown }).name) : '';
}

/** Maps getUserMedia failures to DualrecError codes (one code per thing the user can do). */
export async function mapMediaError(error: unknown, mediaDevices?: MediaDevices): Promise<DualrecError> {
  const name = errorName(error);
  const detail = `${name}: ${(error as Error)?.message ?? String(error)}`;
  if (name === 'NotAllowedError' || name === 'PermissionDeniedError' || name === 'SecurityError') {
    return new DualrecError('CAMERA_PERMISSION_DENIED', { detail, cause: error });
  }
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') {
    return new DualrecError('CAMERA_IN_USE', { detail, cause: error });
  }
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError') {
    // Tell a missing microphone from a missing camera: the advice differs.
    const devices = await mediaDevices?.enumerateDevices().catch(() => []);
    const constraint = (error as { constraint?: string }).constraint;
    if (
      constraint !== 'deviceId' &&
      devices?.some((d) => d.kind === 'videoinput') &&
      !devices.some((d) => d.kind === 'audioinput')
    ) {
      return new DualrecError('MICROPHONE_NOT_FOUND', { detail, cause: error });
    }
    return new DualrecError('CAMERA_NOT_FOUND', { detail, cause: error, context: { constraint } });
  }
  if (name === 'TypeError') return new DualrecError('CAPTURE_UNSUPPORTED', { detail, cause: error });
  return new DualrecError('CAMERA_IN_USE', { detail, cause: error });
}

function facingOf(label: string): Facing | 'unknown' {
  if (/front|user|前置|facetime/i.test(label)) return 'user';
  if (/back|rear|environment|后置/i.test(label)) return 'environment';
  return 'unknown';
}

/** Cameras present (labels only after permission was granted). */
export async function listCameras(mediaDevices?: MediaDevices): Promise<CameraInfo[]> {
  const md = mediaDevices ?? globalThis.navigator?.mediaDevices;
  if (!md?.enumerateDevices) throw new DualrecError('CAPTURE_UNSUPPORTED', { detail: 'no mediaDevices' });
  return (await md.enumerateDevices())
    .filter((d) => d.kind === 'videoinput')
    .map((d) => ({ deviceId: d.deviceId, label: d.label, facing: facingOf(d.label) }));
}

/** Plain facts of a track's actual settings (what the device delivers, not what was asked). */
export function trackFacts(track: MediaStreamTrack | undefined): {
  [key: string]: number | string | boolean;
} {
  if (!track) return {};
  const s = track.getSettings();
  const out: { [key: string]: number | string | boolean } = {};
  for (const key of [
    'width',
    'height',
    'frameRate',
    'facingMode',
    'sampleRate',
    'sampleSize',
    'channelCount',
    'echoCancellation',
    'noiseSuppression',
    'autoGainControl',
  ] as const) {
    const value = (s as Record<string, unknown>)[key];
    if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean')
      out[key] = value;
  }
  return out;
}

/**
 * An open camera + microphone. `close()` stops both tracks and removes every listener and timer.
 * When a track ends on its own (another app took the camera, the OS revoked it, the user unplugged
 * it) `ended` becomes a CAMERA_ENDED error and `onEnded` listeners run once.
 */
export class Camera {
  readonly stream: MediaStream;
  readonly video: MediaStreamTrack;
  readonly audio: MediaStreamTrack;
  /** Set when a track ended without close(). */
  ended: DualrecError | null = null;
  private closed = false;
  private readonly endedListeners = new Set<(error: DualrecError) => void>();
  private readonly cleanups: (() => void)[] = [];

  private constructor(
    stream: MediaStream,
    private readonly options: CameraOptions,
  ) {
    this.stream = stream;
    this.video = stream.getVideoTracks()[0] as MediaStreamTrack;
    this.audio = stream.getAudioTracks()[0] as MediaStreamTrack;
  }

  static async open(options: CameraOptions = {}): Promise<Camera> {
    const md = options.mediaDevices ?? globalThis.navigator?.mediaDevices;
    if (!md?.getUserMedia) {
      throw new DualrecError('CAPTURE_UNSUPPORTED', {
        detail: 'navigator.mediaDevices.getUserMedia is not available (insecure context or old WebView)',
      });
    }
    options.signal?.throwIfAborted();
    let stream: MediaStream;
    try {
      stream = await md.getUserMedia(cameraConstraints(options));
    } catch (error) {
      // A phone that cannot meet the frame-rate floor should still record: retry without it.
      if (errorName(error) === 'OverconstrainedError' && !options.deviceId) {
        try {
          stream = await md.getUserMedia({ video: { facingMode: options.facing ?? 'user' }, audio: true });
        } catch (retryError) {
          throw await mapMediaError(retryError, md);
        }
      } else throw await mapMediaError(error, md);
    }
    if (options.signal?.aborted) {
      for (const t of stream.getTracks()) t.stop();
      throw new DualrecError('ABORTED', { cause: options.signal.reason });
    }
    if (stream.getVideoTracks().length === 0) {
      for (const t of stream.getTracks()) t.stop();
      throw new DualrecError('CAMERA_NOT_FOUND', { detail: 'the stream has no video track' });
    }
    if (stream.getAudioTracks().length === 0) {
      for (const t of stream.getTracks()) t.stop();
      throw new DualrecError('MICROPHONE_NOT_FOUND', { detail: 'the stream has no audio track' });
    }
    const camera = new Camera(stream, options);
    camera.watch(md);
    await camera.emit('capture.camera.opened', {
      facing: options.deviceId ? 'device' : (options.facing ?? 'user'),
      echoCancellation: options.echoCancellation ?? false,
      video: trackFacts(camera.video),
      audio: trackFacts(camera.audio),
    });
    return camera;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Runs `listener` once when a track ends on its own; returns an unsubscribe function. */
  onEnded(listener: (error: DualrecError) => void): () => void {
    if (this.ended) {
      listener(this.ended);
      return () => {};
    }
    this.endedListeners.add(listener);
    return () => this.endedListeners.delete(listener);
  }

  /** Video and audio facts as delivered now. */
  facts(): { video: ReturnType<typeof trackFacts>; audio: ReturnType<typeof trackFacts> } {
    return { video: trackFacts(this.video), audio: trackFacts(this.audio) };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    for (const track of this.stream.getTracks()) track.stop();
    this.endedListeners.clear();
  }

  private emit(type: string, payload: { [key: string]: unknown }): Promise<void> {
    // Event logging must never break the camera; a failing log surfaces through the log itself.
    return (this.options.events?.append(type, payload) ?? Promise.resolve()).then(
      () => undefined,
      () => undefined,
    );
  }

  private watch(md: MediaDevices): void {
    const onTrackEnded = (track: MediaStreamTrack) => {
      if (this.closed || this.ended) return;
      this.ended = new DualrecError('CAMERA_ENDED', {
        detail: `the ${track.kind} track ended`,
        context: { kind: track.kind },
      });
      void this.emit('capture.camera.ended', { kind: track.kind });
      const error = this.ended;
      for (const listener of [...this.endedListeners]) listener(error);
      this.endedListeners.clear();
    };
    for (const track of [this.video, this.audio]) {
      const handler = () => onTrackEnded(track);
      track.addEventListener('ended', handler);
      this.cleanups.push(() => track.removeEventListener('ended', handler));
    }
    const timer = setInterval(() => {
      for (const track of [this.video, this.audio]) if (track.readyState === 'ended') onTrackEnded(track);
    }, this.options.pollMs ?? 500);
    this.cleanups.push(() => clearInterval(timer));

    const onDeviceChange = () => {
      void md.enumerateDevices().then(
        (devices) =>
          this.emit('capture.devices.changed', {
            videoInputs: devices.filter((d) => d.kind === 'videoinput').length,
            audioInputs: devices.filter((d) => d.kind === 'audioinput').length,
          }),
        () => undefined,
      );
    };
    md.addEventListener?.('devicechange', onDeviceChange);
    this.cleanups.push(() => md.removeEventListener?.('devicechange', onDeviceChange));

    const doc = this.options.document ?? globalThis.document;
    if (doc) {
      const onVisibility = () => void this.emit('capture.visibility', { state: doc.visibilityState });
      doc.addEventListener('visibilitychange', onVisibility);
      this.cleanups.push(() => doc.removeEventListener('visibilitychange', onVisibility));
    }
  }
}

/** Opens the camera and microphone with evidence-suited constraints (see the module comment). */
export function openCamera(options: CameraOptions = {}): Promise<Camera> {
  return Camera.open(options);
}
