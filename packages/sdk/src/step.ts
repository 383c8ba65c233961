/** The contract between the controller and each step's implementation (one file per step in ./steps). */
import type { BundlePrefix, Camera, CaptureSession } from '@dualrec/capture';
import type { DeviceKey, EvidenceLog, JsonValue, StepSummary } from '@dualrec/evidence';
import type { LiveUpload } from '@dualrec/upload';
import type { UploadReceiptInfo } from './events.js';
import type { MessageKey, UiLocale } from './i18n.js';
import type { SessionOptions } from './options.js';
import type { Preloader } from './preload.js';
import type { StepName } from './state.js';
import type { RecoveredSession } from './steps/recovery.js';
import type { TicketGrant } from './ticket.js';
import type { StepView } from './views.js';

/** What the applicant did, sent in by the UI with `session.act(...)`. */
export type SessionAction =
  | { type: 'consent'; accepted: boolean }
  | { type: 'card-image'; image: Blob }
  | { type: 'card-confirm' }
  | { type: 'card-retake' }
  | { type: 'speech-done' }
  | { type: 'speech-confirm' }
  | { type: 'speech-refuse' };

export type ActionType = SessionAction['type'];

/** State shared by the steps of one session (built up by the support step). */
export interface SessionRuntime {
  readonly options: SessionOptions;
  /** The steps this session runs (after normalisation). */
  readonly stepsPlanned: readonly StepName[];
  locale: UiLocale;
  elderMode: boolean;
  readonly preload: Preloader;
  deviceKey: DeviceKey | null;
  grant: TicketGrant | null;
  /**
   * The persisted capture session (IndexedDB): ticket, keys, every event line, the sealed
   * recording chunks and stills. It outlives a reload; the upload step discards it once the
   * lender's receipt says the bundle arrived intact.
   */
  capture: CaptureSession | null;
  /** The session's evidence log (`capture.log`). */
  log: EvidenceLog | null;
  /** The rendered disclosure script (speech's RenderedScript) and its fingerprint. */
  script: unknown;
  scriptSha256: string | null;
  /** Front camera + microphone, opened for liveness and kept for the recording (one permission prompt). */
  camera: Camera | null;
  summaries: StepSummary[];
  /** The sealed bundle (Blob: the recording stays in browser blob storage, not the JS heap). */
  bundle: Blob | null;
  bundleSha256: string | null;
  /**
   * The live upload started with the recording (options.liveUpload): the bundle's start is sent
   * while recording; the upload step stops it and sends the rest. Null when off or abandoned.
   */
  live: { upload: LiveUpload; prefix: BundlePrefix } | null;
  receipt: UploadReceiptInfo | null;
  /** Aborted when the session is released (background work such as sending leftovers stops). */
  readonly lifetime: AbortSignal;
  /** Reports evidence from an earlier visit that was sent (or failed to) in the background. */
  emitRecovered(result: RecoveredSession): void;
}

export interface StepContext {
  readonly step: StepName;
  readonly runtime: SessionRuntime;
  /** Aborted when the session is cancelled or the step is abandoned. */
  readonly signal: AbortSignal;
  readonly attempt: number;
  readonly mode: 'full' | 'record-only';
  view(view: StepView): void;
  progress(label: MessageKey, fraction: number | null, detail?: string): void;
  feedback(code: string, message: string): void;
  /** Resolves with the applicant's next action of one of these types. */
  waitFor<K extends ActionType>(...types: K[]): Promise<Extract<SessionAction, { type: K }>>;
  /** Tells the controller to skip ML steps from now on (support check said so). */
  setMode(mode: 'full' | 'record-only'): void;
  t(key: MessageKey, values?: Record<string, string | number>): string;
  /** Appends to the session's evidence log (once the support step created it). */
  log(
    type: string,
    payload?: { [key: string]: JsonValue },
    sealed?: { [key: string]: JsonValue },
  ): Promise<void>;
}

export interface StepResult {
  status: StepSummary['status'];
  /** Non-personal measurements for the manifest's step summary. */
  summary: { [key: string]: JsonValue };
}

export type StepRunner = (context: StepContext) => Promise<StepResult>;
