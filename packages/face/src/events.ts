/**
 * What @dualrec/face records. Each event is a plain object with `type` and `t` (the analyzer's
 * clock, ms); the SDK appends it to the evidence log as `append(type, rest)`. No event holds
 * landmarks or pixels (biometric data): only derived numbers. The best-frame JPEG is handed over
 * separately, to be sealed into the bundle as media.
 *
 * | type | fields |
 * |---|---|
 * | `face.liveness.start` | mode, challenges (the drawn sequence), config summary |
 * | `face.feedback` | codes (quality feedback now shown; emitted when it changes) |
 * | `face.baseline` | baseline (the neutral measures every threshold is relative to) |
 * | `face.challenge.start` | index, kind, attempt |
 * | `face.challenge.passed` | index, kind, attempt, elapsedMs, measure |
 * | `face.challenge.failed` | index, kind, attempt, reason, retry (whether another attempt follows) |
 * | `face.multiple` | count (a second face appeared) |
 * | `face.multiple.end` | start, end, durationMs, maxCount, persistent |
 * | `face.absent` | (the face left the frame) |
 * | `face.absent.end` | start, end, durationMs |
 * | `face.passive` | PassiveResult numbers (score, blinks, expression, nonRigid, poseSpread, frames, durationMs, live) |
 * | `face.liveness.result` | verdict (passed / failed / locked-out / cancelled), reasons, passive, challenges passed, durationMs |
 * | `face.presence` | segmentId, start, end, durationMs, onePresentPct, oneFrontalPct, noFacePct, multiplePct, unobservedPct, frames |
 * | `face.best-frame` | t of the frame, score, sharpness, yaw, pitch, width, height, bytes, sha256 |
 */
import type { JsonValue } from '@dualrec/evidence';

export type FaceEventType =
  | 'face.liveness.start'
  | 'face.feedback'
  | 'face.baseline'
  | 'face.challenge.start'
  | 'face.challenge.passed'
  | 'face.challenge.failed'
  | 'face.multiple'
  | 'face.multiple.end'
  | 'face.absent'
  | 'face.absent.end'
  | 'face.passive'
  | 'face.liveness.result'
  | 'face.presence'
  | 'face.best-frame';

export interface FaceEvent {
  type: FaceEventType;
  t: number;
  [field: string]: JsonValue;
}

export function faceEvent(
  type: FaceEventType,
  t: number,
  fields: { [k: string]: JsonValue } = {},
): FaceEvent {
  return { ...fields, type, t };
}
