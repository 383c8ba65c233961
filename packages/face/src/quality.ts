/**
 * Capture-quality guidance: what the applicant should fix before (and while) the face is
 * checked. Each code has a zh-CN and an en prompt; the UI shows the first (most important) one.
 * Thresholds were set on the fixture clips (see README "Measured"): face brightness 0.34–0.62,
 * face height 0.58–1.02 of the default oval, centre offsets within ±0.51 oval radii.
 */
import type { FaceMeasurement, FrameMeasurement } from './types.js';

export const FEEDBACK_CODES = [
  'no-face',
  'multiple-faces',
  'too-dark',
  'too-bright',
  'face-occluded',
  'too-far',
  'too-close',
  'off-centre',
  'face-turned',
  'too-much-motion',
  'eyes-closed',
] as const;

/** In priority order: the UI shows the first that applies. */
export type FeedbackCode = (typeof FEEDBACK_CODES)[number];

export const FEEDBACK_MESSAGES: Record<FeedbackCode, { en: string; 'zh-CN': string }> = {
  'no-face': { en: 'Put your face inside the oval.', 'zh-CN': '请将面部置于椭圆框内。' },
  'multiple-faces': {
    en: 'Only the applicant may be in view. Ask others to step away.',
    'zh-CN': '画面中只能有申请人本人，请其他人离开镜头。',
  },
  'too-dark': { en: 'It is too dark. Move to a brighter place.', 'zh-CN': '光线太暗，请到明亮的地方。' },
  'too-bright': {
    en: 'It is too bright. Avoid direct light on your face.',
    'zh-CN': '光线太强，请避免强光直射面部。',
  },
  'face-occluded': {
    en: 'Your whole face must be visible. Keep it inside the picture.',
    'zh-CN': '请露出完整面部，不要超出画面。',
  },
  'too-far': { en: 'Move closer to the camera.', 'zh-CN': '请靠近摄像头。' },
  'too-close': { en: 'Move a little further from the camera.', 'zh-CN': '请离摄像头稍远一些。' },
  'off-centre': { en: 'Centre your face in the oval.', 'zh-CN': '请将面部移到椭圆框中央。' },
  'face-turned': { en: 'Look straight at the camera.', 'zh-CN': '请正视摄像头。' },
  'too-much-motion': { en: 'Hold still.', 'zh-CN': '请保持不动。' },
  'eyes-closed': { en: 'Keep your eyes open.', 'zh-CN': '请睁开眼睛。' },
};

export interface QualityThresholds {
  /** Face crop mean luma below this is too dark (default 0.25). */
  minBrightness: number;
  /** Face crop mean luma above this is too bright (default 0.85). */
  maxBrightness: number;
  /** Face height / oval height below this is too far (default 0.5). */
  minSize: number;
  /** … above this is too close (default 1.3). */
  maxSize: number;
  /** Largest centre offset, in oval radii (default 0.6). */
  maxOffset: number;
  /** Largest |yaw| or |pitch| for "looking at the camera", degrees (default 20). */
  maxTurnDeg: number;
  /** Fraction of landmarks outside the frame that counts as a cut-off face (default 0.02). */
  maxOutOfFrame: number;
  /** Face centre speed, face widths per second, above which we ask to hold still (default 1.0). */
  maxSpeed: number;
  /** Head rotation speed, degrees per second (default 90). */
  maxTurnSpeedDeg: number;
  /** Eyes shut (closure ≥ 0.55 and aspect ratio ≤ 0.15) for longer than this, ms (default 1000). */
  eyesClosedMs: number;
}

export const DEFAULT_QUALITY: QualityThresholds = {
  minBrightness: 0.25,
  maxBrightness: 0.85,
  minSize: 0.5,
  maxSize: 1.3,
  maxOffset: 0.6,
  maxTurnDeg: 20,
  maxOutOfFrame: 0.02,
  maxSpeed: 1.0,
  maxTurnSpeedDeg: 90,
  eyesClosedMs: 1000,
};

/** Problems visible in one face, without history. */
export function faceIssues(face: FaceMeasurement, q: QualityThresholds = DEFAULT_QUALITY): FeedbackCode[] {
  const out: FeedbackCode[] = [];
  if (face.brightness < q.minBrightness) out.push('too-dark');
  if (face.brightness > q.maxBrightness) out.push('too-bright');
  if (face.outOfFrame > q.maxOutOfFrame) out.push('face-occluded');
  if (face.guide.size < q.minSize) out.push('too-far');
  if (face.guide.size > q.maxSize) out.push('too-close');
  if (Math.abs(face.guide.dx) > q.maxOffset || Math.abs(face.guide.dy) > q.maxOffset) out.push('off-centre');
  if (Math.abs(face.pose.yaw) > q.maxTurnDeg || Math.abs(face.pose.pitch) > q.maxTurnDeg)
    out.push('face-turned');
  return out;
}

function shut(face: FaceMeasurement): boolean {
  return face.eyeClosure >= 0.55 && face.eyeOpenness <= 0.15;
}

/**
 * Per-frame feedback with the little history motion and closed eyes need. Returns the codes that
 * apply, most important first (empty: good to go).
 */
export class QualityMonitor {
  private previous: { t: number; face: FaceMeasurement } | undefined;
  private shutSince: number | undefined;
  readonly thresholds: QualityThresholds;

  constructor(thresholds: Partial<QualityThresholds> = {}) {
    this.thresholds = { ...DEFAULT_QUALITY, ...thresholds };
  }

  push(frame: FrameMeasurement): FeedbackCode[] {
    const q = this.thresholds;
    const face = frame.faces[0];
    if (!face) {
      this.previous = undefined;
      this.shutSince = undefined;
      return ['no-face'];
    }
    const codes = new Set<FeedbackCode>(faceIssues(face, q));
    if (frame.faces.length > 1) codes.add('multiple-faces');
    const prev = this.previous;
    if (prev && frame.t > prev.t) {
      const dt = (frame.t - prev.t) / 1000;
      const width = Math.max(face.box.width, 1e-3);
      const cx = face.box.x + face.box.width / 2 - (prev.face.box.x + prev.face.box.width / 2);
      const cy = face.box.y + face.box.height / 2 - (prev.face.box.y + prev.face.box.height / 2);
      const speed = Math.hypot(cx, (cy * frame.height) / Math.max(frame.width, 1)) / width / dt;
      const turn =
        Math.max(
          Math.abs(face.pose.yaw - prev.face.pose.yaw),
          Math.abs(face.pose.pitch - prev.face.pose.pitch),
          Math.abs(face.pose.roll - prev.face.pose.roll),
        ) / dt;
      if (speed > q.maxSpeed || turn > q.maxTurnSpeedDeg) codes.add('too-much-motion');
    }
    this.previous = { t: frame.t, face };
    if (shut(face)) {
      this.shutSince ??= frame.t;
      if (frame.t - this.shutSince >= q.eyesClosedMs) codes.add('eyes-closed');
    } else this.shutSince = undefined;
    return FEEDBACK_CODES.filter((c) => codes.has(c));
  }

  reset(): void {
    this.previous = undefined;
    this.shutSince = undefined;
  }
}
