/**
 * What each step shows, as plain data: the web component renders these, and a lender who builds
 * their own UI on the headless controller renders them too. No personal data leaves the controller
 * except the card fields the applicant is asked to check (they are the applicant's own).
 */
import type { MessageKey } from './i18n.js';
import type { StepName } from './state.js';

export interface SupportView {
  step: 'support';
  phase: 'checking' | 'record-only' | 'unsupported';
  /** Advice for `unsupported` (e.g. open in the system browser), in the session locale. */
  advice: string[];
}

export interface ConsentView {
  step: 'consent';
  phase: 'asking' | 'declined';
  lenderName: string;
  retention: string;
  /** Where the applicant can go instead (branch, phone line): shown after declining, and always listed. */
  alternatives: { label: string; href?: string }[];
}

export interface CardFieldView {
  key: string;
  label: MessageKey;
  value: string;
  ok: boolean;
}

export interface CardView {
  step: 'id-front' | 'id-back';
  side: 'front' | 'back';
  phase: 'waiting' | 'loading' | 'reading' | 'review' | 'not-found';
  /** Object URL of the photo being checked (revoked when the step ends). */
  previewUrl: string | null;
  fields: CardFieldView[];
  /**
   * `not-found`: why, so the prompt says what to change (`no-card`, `wrong-side`, `too-small`,
   * `blurry`, `glare`, `too-dark`); `null` in other phases.
   */
  problem: CardProblem | null;
  /** `review`: keys (of `fields`) of the fields left unread under glare; empty when none. */
  glareOver: string[];
}

/** Why a card photo was not accepted (see {@link CardView.problem}). */
export type CardProblem = 'no-card' | 'wrong-side' | 'too-small' | 'blurry' | 'glare' | 'too-dark';

export interface LivenessView {
  step: 'liveness';
  phase: 'loading' | 'positioning' | 'checking' | 'passed' | 'failed';
  /** The instruction on screen now (challenge prompt or quality feedback), localised. */
  prompt: string;
  /** Share of challenges done, 0–1. */
  progress: number;
  /** The camera stream to show in the guide oval. */
  stream: MediaStream | null;
}

export interface RecordingView {
  step: 'recording';
  phase: 'starting' | 'prompt' | 'read-aloud' | 'question' | 'finishing';
  stream: MediaStream | null;
  segmentIndex: number;
  segmentCount: number;
  text: string;
  /** Characters of `text` to highlight as read (a teleprompter cue). */
  highlight: number;
  listening: boolean;
  awaitingTap: boolean;
  /** Show the "I have finished reading" button. */
  canFinishReading: boolean;
  hint: string | null;
  /** Recording time, ms. */
  elapsedMs: number;
}

export interface WorkView {
  step: 'seal' | 'upload';
  fraction: number | null;
  offline: boolean;
}

export type StepView = SupportView | ConsentView | CardView | LivenessView | RecordingView | WorkView;

export function isStepView<S extends StepName>(
  view: StepView | null,
  step: S,
): view is Extract<StepView, { step: S }> {
  return view?.step === step;
}
