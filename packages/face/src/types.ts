/**
 * What the analyzer measures on each frame. Plain data (structured-clone safe), so a worker can
 * produce it and the evidence log can store it.
 */

/** A rectangle in normalised frame coordinates (0..1 of width and height, origin top-left). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Head pose in degrees, in the applicant's own frame (not the mirrored preview):
 * `yaw` > 0 when they turn their head to their own left, `pitch` > 0 when they look up,
 * `roll` > 0 when they tilt their head towards their own left shoulder.
 */
export interface HeadPose {
  yaw: number;
  pitch: number;
  roll: number;
}

/** Where the face sits relative to the on-screen guide oval. */
export interface GuideFit {
  /** Face centre offset from the oval centre, in oval radii (|dx|,|dy| ≤ 1 is inside). */
  dx: number;
  dy: number;
  /** Face height / oval height (1 = the face fills the oval top to bottom). */
  size: number;
}

/** The guide oval, in normalised frame coordinates. */
export interface GuideOval {
  cx: number;
  cy: number;
  /** Half-width and half-height, normalised to frame width and height respectively. */
  rx: number;
  ry: number;
}

export interface FaceMeasurement {
  /** Bounding box of the landmarks, clipped to the frame. */
  box: Box;
  /** Fraction of landmarks outside the frame (part of the face is cut off by the frame edge). */
  outOfFrame: number;
  pose: HeadPose;
  /**
   * Eye closure from the model's `eyeBlinkLeft/Right` blendshapes, averaged (0 open … 1 shut).
   * Absolute values depend on the person (glasses: peaks of 0.6–0.75), so detectors compare it
   * with the applicant's own baseline.
   */
  eyeClosure: number;
  /** Eye aspect ratio from the eyelid landmarks (lid gap / eye width), averaged over both eyes. */
  eyeOpenness: number;
  /** Inner-lip gap / face height, from landmarks. */
  mouthOpenness: number;
  /** The `jawOpen` blendshape. */
  jawOpen: number;
  /** All 52 blendshape scores by name (empty when the model ran without blendshapes). */
  blendshapes: Record<string, number>;
  guide: GuideFit;
  /** Laplacian variance of the face crop (grey levels², on a fixed-size crop): higher is sharper. */
  sharpness: number;
  /** Mean luma of the face crop, 0..1. */
  brightness: number;
  /**
   * Landmarks as x,y,z triplets (x, y normalised to the frame, z on the x scale), for motion
   * analysis. Omitted from events: it is biometric data.
   */
  landmarks: Float32Array;
}

export interface FrameMeasurement {
  /** Milliseconds on the analyzer's clock when the frame was captured. */
  t: number;
  /** Sequence number of analysed frames, from 0. */
  index: number;
  /** Source frame size in pixels. */
  width: number;
  height: number;
  /** Faces found, largest first. */
  faces: FaceMeasurement[];
  /** Mean luma of the whole frame, 0..1. */
  brightness: number;
  /** Time the analysis of this frame took (model + measurements), ms. */
  processingMs: number;
}
