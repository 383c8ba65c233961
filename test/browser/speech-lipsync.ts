/** Shared by the speech-lipsync-*.spec.ts files (one per camera/microphone pair). */
export const LIP_SYNC_SECONDS = 5.5;

export interface LipSyncRun {
  score: { score: number; lagMs: number; points: number; mouthStd: number; issue: string | null };
  frames: number;
  faces: number;
  mouthSamples: number;
  jawMax: number;
  speech: { speechMs: number; speechRatio: number };
  audioFrames: number;
}
