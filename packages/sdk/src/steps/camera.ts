/**
 * One camera + microphone stream for the liveness check and the recording, so the applicant sees
 * one permission prompt and the recording shows the same face the liveness check saw.
 */
import type { Camera } from '@dualrec/capture';
import { DualrecError } from '@dualrec/evidence';
import type { StepContext } from '../step.js';

/**
 * Opens the front camera and microphone with the evidence constraints of @dualrec/capture (camera
 * facts, track ends, device and visibility changes go into the log), or reuses the open one.
 */
export async function ensureCamera(context: StepContext): Promise<Camera> {
  const { runtime } = context;
  const live = runtime.camera?.stream.getTracks().every((t) => t.readyState === 'live');
  if (runtime.camera && live) return runtime.camera;
  runtime.camera?.close();
  runtime.camera = null;
  const { openCamera } = await import('@dualrec/capture');
  const camera = await openCamera({
    facing: 'user',
    ...(runtime.log ? { events: runtime.log } : {}),
    ...(runtime.options.mediaDevices ? { mediaDevices: runtime.options.mediaDevices } : {}),
    signal: context.signal,
  });
  runtime.camera = camera;
  return camera;
}

/**
 * A detached, muted, inline <video> playing the stream, for frame analysis: the controller is
 * headless, so it does not borrow the UI's element (the UI shows the same stream in its own).
 */
export async function playingVideo(stream: MediaStream, signal: AbortSignal): Promise<HTMLVideoElement> {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.setAttribute('playsinline', '');
  video.srcObject = stream;
  signal.addEventListener(
    'abort',
    () => {
      video.pause();
      video.srcObject = null;
    },
    { once: true },
  );
  await video.play();
  if (video.readyState < 2) {
    await new Promise<void>((resolve, reject) => {
      video.addEventListener('loadeddata', () => resolve(), { once: true });
      signal.addEventListener('abort', () => reject(new DualrecError('ABORTED')), { once: true });
    });
  }
  return video;
}
