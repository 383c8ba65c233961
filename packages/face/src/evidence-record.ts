/**
 * Writes what the face step produced into the session's evidence (docs/face-liveness.md, "Events"):
 * each `FaceEvent` becomes one `log.append(type, payload)` in clear — face events carry only
 * derived numbers (pose angles, blendshape-based scores, percentages), never landmarks or pixels —
 * and the best frame is sealed into the bundle as encrypted media with a `face.best-frame` event
 * that names the entry and its hash. The same log and writer the session uses are passed in, so
 * the face step is bound to the session's hash chain and signature like every other step.
 */
import type { BundleWriter, EvidenceEvent, EvidenceLog, JsonValue, ManifestFile } from '@dualrec/evidence';
import { DualrecError, sha256Hex } from '@dualrec/evidence';
import type { BestFrame } from './best-frame-keeper.js';
import type { FaceEvent } from './events.js';

/** The event's payload as logged: its fields, with the face clock time as `at` (the log adds its own `t`). */
export function facePayload(event: FaceEvent): { [key: string]: JsonValue } {
  const { type: _type, t, ...fields } = event;
  return { ...fields, at: t };
}

/**
 * Appends face events to the evidence log. `emit` is synchronous (the frame loop must not wait on
 * storage); `settled()` resolves when every emitted event is in the log and rejects with the first
 * append error, so the caller can refuse to seal a bundle with a gap. Pass `emit` as the
 * `onEvent` of a `LivenessSession` or `PresenceSession`.
 */
export class FaceEvidenceSink {
  private pending: Promise<unknown> = Promise.resolve();
  private failure: unknown;
  readonly emit = (event: FaceEvent): void => {
    const appended: Promise<EvidenceEvent> = this.log.append(event.type, facePayload(event));
    this.pending = Promise.all([this.pending, appended]).catch((error: unknown) => {
      this.failure ??= error;
    });
  };

  constructor(private readonly log: Pick<EvidenceLog, 'append'>) {}

  async settled(): Promise<void> {
    await this.pending;
    if (this.failure !== undefined) throw this.failure;
  }
}

export interface RecordBestFrameOptions {
  log: Pick<EvidenceLog, 'append'>;
  writer: Pick<BundleWriter, 'addMedia'>;
  bestFrame: Pick<BestFrame, 'jpeg' | 'event' | 'sha256'>;
  /** Entry name; default `media/best-frame.jpg`. Unique per bundle. */
  file?: string;
}

export interface RecordedBestFrame {
  file: ManifestFile;
  event: EvidenceEvent;
}

/**
 * Seals the best frame into the bundle (role `best-frame`, `image/jpeg`) and logs
 * `face.best-frame` with the entry name and the SHA-256 of the JPEG (of the plaintext; the
 * manifest holds the hash of the stored, encrypted bytes).
 */
export async function recordBestFrame(options: RecordBestFrameOptions): Promise<RecordedBestFrame> {
  const name = options.file ?? 'media/best-frame.jpg';
  const bytes = new Uint8Array(await options.bestFrame.jpeg.arrayBuffer());
  if (bytes.length < 3 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff)
    throw new DualrecError('FACE_FRAME_INVALID', { detail: 'the best frame is not a JPEG' });
  const sha256 = await sha256Hex(bytes);
  if (sha256 !== options.bestFrame.sha256)
    throw new DualrecError('FACE_FRAME_INVALID', { detail: 'the best frame changed after it was measured' });
  const file = await options.writer.addMedia({ name, role: 'best-frame', mediaType: 'image/jpeg' }, [bytes]);
  const event = await options.log.append('face.best-frame', {
    ...facePayload(options.bestFrame.event),
    file: name,
  });
  return { file, event };
}
