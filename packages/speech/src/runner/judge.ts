/**
 * Turns one attempt's measurements into a verdict with machine-readable reasons. Pure: the same
 * numbers always give the same verdict, so an auditor can re-derive it from the logged values.
 */
import type { JsonValue } from '@dualrec/evidence';
import type { AsrResult } from '../asr/types.js';
import type { SpeechSummary } from '../audio/vad.js';
import type { LipSyncResult } from '../lipsync/lipsync.js';
import type { RenderedSegment } from '../script/render.js';
import { type AnswerMatch, matchAnswer } from '../text/answers.js';
import { type CerResult, characterErrorRate } from '../text/cer.js';
import type { VoiceAnalysis } from '../vad/silero.js';

export type AttemptReason =
  | 'no-speech'
  | 'too-short'
  | 'speech-fragmented'
  | 'mouth-not-visible'
  | 'mouth-not-moving'
  | 'lip-sync-mismatch'
  | 'text-mismatch'
  | 'answer-unclear'
  | 'recogniser-error';

export interface AttemptVerdict {
  verdict: 'pass' | 'fail' | 'needs-tap' | 'rejected';
  reasons: AttemptReason[];
  /** True when a recogniser checked what was said; false means voice (and lip sync) only. */
  contentChecked: boolean;
  /** Clear measurements for the `speech.attempt` event. */
  details: { [key: string]: JsonValue };
  /** Personal: the transcript. */
  sealed?: { [key: string]: JsonValue };
  speechRatio: number;
  lipSync: number | null;
  characterErrorRate: number | null;
}

export interface JudgeThresholds {
  /**
   * Least lip-sync score that passes (default 0.4). Measured in headless Chromium on the GRID
   * clip: own voice 0.65, someone else's words 0.26, a still photo 0 (see README "Measured").
   */
  lipSync: number;
  /** A read-aloud shorter than this share of the expected reading time fails (default 0.4). */
  minReadingShare: number;
  /** Speech below this share of the speech span is fragmented (default 0.3). */
  minContinuity: number;
  /** Less speech than this is no speech (default 250 ms). */
  minSpeechMs: number;
}

export const DEFAULT_THRESHOLDS: JudgeThresholds = {
  lipSync: 0.4,
  minReadingShare: 0.4,
  minContinuity: 0.3,
  minSpeechMs: 250,
};

export interface AttemptInputs {
  segment: RenderedSegment;
  speech: SpeechSummary;
  /** null when no mouth source is configured. */
  lipSync: LipSyncResult | null;
  /** The recogniser's result when one ran for this segment; `error` when it failed. */
  asr: { adapterId: string; result: AsrResult } | { adapterId: string; error: string } | null;
  /**
   * A model VAD's view of the same window (Silero). When present it decides whether there was
   * speech (energy VAD takes noise for speech); when it failed, the energy VAD decides and the
   * error is recorded.
   */
  voice?: VoiceAnalysis | { analyser: string; error: string } | null;
  thresholds?: Partial<JudgeThresholds>;
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

export function judgeAttempt(inputs: AttemptInputs): AttemptVerdict {
  const t = { ...DEFAULT_THRESHOLDS, ...inputs.thresholds };
  const { segment, speech, lipSync, asr } = inputs;
  const voice = inputs.voice && !('error' in inputs.voice) ? inputs.voice : null;
  const reasons: AttemptReason[] = [];
  const energyHeard = speech.onsetMs !== null && speech.speechMs >= t.minSpeechMs;
  const heard = voice ? voice.onsetMs !== null && voice.speechMs >= t.minSpeechMs : energyHeard;
  if (!heard) reasons.push('no-speech');

  if (heard && segment.kind === 'read-aloud') {
    const span = voice ? voice.speechSpanMs : speech.speechSpanMs;
    if (span < t.minReadingShare * segment.expectedReadingMs) reasons.push('too-short');
    if (speech.continuity < t.minContinuity) reasons.push('speech-fragmented');
  }
  if (heard && lipSync) {
    // A question's answer may be one syllable, too short to correlate: only a computed low score fails it.
    const strict = segment.kind === 'read-aloud';
    if (lipSync.issue === 'too-few-samples') {
      if (strict) reasons.push('mouth-not-visible');
    } else if (lipSync.issue === 'mouth-static') reasons.push('mouth-not-moving');
    else if (lipSync.issue === null && lipSync.score < t.lipSync) reasons.push('lip-sync-mismatch');
  }

  let cer: CerResult | null = null;
  let answer: AnswerMatch | null = null;
  let contentChecked = false;
  let sealed: AttemptVerdict['sealed'];
  if (heard && asr) {
    if ('error' in asr) reasons.push('recogniser-error');
    else {
      contentChecked = true;
      sealed = {
        transcript: asr.result.text,
        words: asr.result.words.map((w) => ({
          text: w.text,
          startMs: Math.round(w.startMs),
          endMs: Math.round(w.endMs),
        })),
      };
      if (segment.kind === 'read-aloud') {
        cer = characterErrorRate(segment.text, asr.result.text, segment.language);
        if (cer.cer > (segment.maxCer ?? 0.35)) reasons.push('text-mismatch');
      } else if (segment.kind === 'question') {
        answer = asr.result.garbage
          ? { decision: 'unclear', phrase: null, heard: '' }
          : matchAnswer(asr.result.text, segment.accept ?? [], segment.reject ?? [], segment.language);
        if (answer.decision === 'unclear') reasons.push('answer-unclear');
      }
    }
  }

  let verdict: AttemptVerdict['verdict'];
  if (reasons.length > 0) verdict = 'fail';
  else if (segment.kind === 'question' && answer?.decision === 'reject') verdict = 'rejected';
  else if (segment.kind === 'question' && !contentChecked) verdict = 'needs-tap';
  else verdict = 'pass';
  // A spoken rejection ends the flow even if, say, lip sync was weak: the applicant said no.
  if (segment.kind === 'question' && answer?.decision === 'reject') verdict = 'rejected';

  const details: { [key: string]: JsonValue } = {
    speech: {
      durationMs: Math.round(speech.durationMs),
      speechMs: Math.round(speech.speechMs),
      speechRatio: round(speech.speechRatio),
      onsetMs: speech.onsetMs === null ? null : Math.round(speech.onsetMs),
      speechSpanMs: Math.round(speech.speechSpanMs),
      continuity: round(speech.continuity),
      speechLevelDb: speech.speechLevelDb === null ? null : round(speech.speechLevelDb, 1),
      noiseLevelDb: speech.noiseLevelDb === null ? null : round(speech.noiseLevelDb, 1),
    },
    expectedReadingMs: segment.expectedReadingMs,
    modelVad: inputs.voice
      ? 'error' in inputs.voice
        ? { analyser: inputs.voice.analyser, error: inputs.voice.error }
        : {
            analyser: inputs.voice.analyser,
            speechMs: Math.round(inputs.voice.speechMs),
            speechRatio: round(inputs.voice.speechRatio),
            onsetMs: inputs.voice.onsetMs === null ? null : Math.round(inputs.voice.onsetMs),
            speechSpanMs: Math.round(inputs.voice.speechSpanMs),
          }
      : null,
    lipSync: lipSync
      ? {
          score: round(lipSync.score),
          lagMs: lipSync.lagMs,
          points: lipSync.points,
          mouthStd: round(lipSync.mouthStd, 4),
          issue: lipSync.issue,
        }
      : null,
    recogniser: asr ? asr.adapterId : null,
    recogniserError: asr && 'error' in asr ? asr.error : null,
    characterErrorRate: cer
      ? {
          cer: round(cer.cer),
          substitutions: cer.substitutions,
          deletions: cer.deletions,
          insertions: cer.insertions,
          referenceLength: cer.referenceLength,
        }
      : null,
    answer: answer ? { decision: answer.decision, phrase: answer.phrase } : null,
  };
  return {
    verdict,
    reasons,
    contentChecked,
    details,
    ...(sealed ? { sealed } : {}),
    speechRatio: round(voice ? voice.speechRatio : speech.speechRatio),
    lipSync: lipSync && lipSync.issue === null ? round(lipSync.score) : null,
    characterErrorRate: cer ? round(cer.cer) : null,
  };
}
