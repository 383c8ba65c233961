/** The session's typed events and a small emitter (no DOM dependency, so the controller runs in node tests). */
import type { DualrecError, DualrecErrorCode } from '@dualrec/evidence';
import type { MessageKey } from './i18n.js';
import type { SessionState, StepName } from './state.js';
import type { RecoveredSession } from './steps/recovery.js';
import type { StepView } from './views.js';

export interface UploadReceiptInfo {
  bundleSha256: string;
  receivedAt: string;
  verdict: string;
  reasons: string[];
  /** RFC 3161 time the lender's TSA put on the bundle signature, when it has one. */
  timestampTime: string | null;
  /** The full receipt object the server returned. */
  raw: unknown;
}

export interface SessionEventMap {
  /** Any change of the state machine (status, step, attempt, failure, mode). */
  state: SessionState;
  /** A new step began (also on a retry of the same step). */
  step: { step: StepName; index: number; total: number; attempt: number };
  /** Something the applicant waits for made progress. `fraction` is null while the total is unknown. */
  progress: { step: StepName; label: MessageKey; fraction: number | null; detail?: string };
  /** A prompt for the applicant (face quality, liveness instruction, read-aloud hint). */
  feedback: { step: StepName; code: string; message: string };
  /** What the UI should show for the current step. */
  view: StepView;
  error: {
    step: StepName | null;
    code: DualrecErrorCode;
    message: string;
    retryable: boolean;
    error: DualrecError;
  };
  /** Evidence an earlier visit left on this device was sealed and sent (or is still waiting). */
  recovered: RecoveredSession;
  complete: {
    sessionId: string;
    bundleSha256: string;
    bundleSize: number;
    receipt: UploadReceiptInfo | null;
  };
}

export type SessionEventType = keyof SessionEventMap;
export type SessionListener<K extends SessionEventType> = (event: SessionEventMap[K]) => void;

export class Emitter {
  private readonly listeners = new Map<SessionEventType, Set<(event: never) => void>>();

  on<K extends SessionEventType>(type: K, listener: SessionListener<K>): () => void {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener as (event: never) => void);
    return () => set.delete(listener as (event: never) => void);
  }

  emit<K extends SessionEventType>(type: K, event: SessionEventMap[K]): void {
    for (const listener of this.listeners.get(type) ?? []) {
      // A throwing listener is the integrator's bug; it must not break the session's evidence flow.
      try {
        (listener as SessionListener<K>)(event);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
