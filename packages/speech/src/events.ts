/**
 * What the speech step records. Each event maps one-to-one onto the evidence log's
 * `append(type, payload, { sealed })` (docs/bundle-format.md): `payload` is readable without the
 * lender's key and holds no personal data; `sealed`, when present, is personal (transcripts, the
 * rendered script with the applicant's loan terms) and is encrypted in the bundle.
 *
 * | type | payload (clear) | sealed (personal) |
 * |---|---|---|
 * | `speech.script` | scriptId, scriptVersion, formatVersion, language, sha256 of the rendered script, segmentIds | `script`: the rendered script |
 * | `speech.segment.start` | segmentId, index, kind, topic, attempt | – |
 * | `speech.prompt` | segmentId, purpose, mode (speech-synthesis / audio-url / text-only), voice, rate, completed, reason | – |
 * | `speech.attempt` | segmentId, attempt, verdict, reasons, contentChecked, speech (VAD summary), expectedReadingMs, lipSync, recogniser, characterErrorRate, answer | `transcript`, `words` (when a recogniser ran) |
 * | `speech.reprompt` | segmentId, nextAttempt, reason | – |
 * | `speech.tap` | segmentId, choice | – |
 * | `speech.segment` | segmentId, kind, outcome, attempts, contentChecked, reasons, speechRatio, lipSync, characterErrorRate | `transcript` (last attempt's, when a recogniser ran) |
 * | `speech.flow.end` | outcome, segmentId (where it ended), reasons | – |
 *
 * One `speech.segment` event is written for every segment that was reached: the bundle verifier
 * requires one per script segment for a completed session.
 */
import type { EvidenceEvent, EvidenceLog, JsonValue } from '@dualrec/evidence';

export type SpeechEventType =
  | 'speech.script'
  | 'speech.segment.start'
  | 'speech.prompt'
  | 'speech.attempt'
  | 'speech.reprompt'
  | 'speech.tap'
  | 'speech.segment'
  | 'speech.flow.end';

export interface SpeechEvent {
  type: SpeechEventType;
  /** Clock time of the event (the runner's clock, ms). The evidence log adds its own `t`. */
  at: number;
  /** Not personal: stored in clear. */
  payload: { [key: string]: JsonValue };
  /** Personal: must be encrypted (the evidence log's `sealed` fields). */
  sealed?: { [key: string]: JsonValue };
}

/** Where the runner sends its events; the SDK's session controller appends them to the evidence log. */
export interface SpeechEventSink {
  emit(event: SpeechEvent): void;
}

/** A sink that keeps events in memory (tests, and the SDK before the log is ready). */
export class MemoryEventSink implements SpeechEventSink {
  readonly events: SpeechEvent[] = [];
  emit(event: SpeechEvent): void {
    this.events.push(event);
  }
  ofType(type: SpeechEventType): SpeechEvent[] {
    return this.events.filter((e) => e.type === type);
  }
}

/**
 * A sink that writes each event straight into the session's evidence log, personal fields
 * (`sealed`) encrypted by the log with the bundle's content key. `emit` is synchronous (the runner
 * must not wait on storage); `settled()` resolves when every emitted event is in the log and
 * rejects with the first append error, so the caller can refuse to seal a bundle with a gap.
 */
export class EvidenceLogSink implements SpeechEventSink {
  private pending: Promise<unknown> = Promise.resolve();
  private failure: unknown;

  constructor(private readonly log: Pick<EvidenceLog, 'append'>) {}

  emit(event: SpeechEvent): void {
    const appended: Promise<EvidenceEvent> = this.log.append(
      event.type,
      event.payload,
      event.sealed ? { sealed: event.sealed } : {},
    );
    this.pending = Promise.all([this.pending, appended]).catch((error: unknown) => {
      this.failure ??= error;
    });
  }

  async settled(): Promise<void> {
    await this.pending;
    if (this.failure !== undefined) throw this.failure;
  }
}
