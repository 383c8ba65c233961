/** Everything a lender configures, documented option by option (docs/integration.md mirrors this). */
import type { CryptoLinerModule, DeviceKey, DualrecError } from '@dualrec/evidence';
import type { UiLocale } from './i18n.js';
import type { StepName } from './state.js';
import type { StepRunner } from './step.js';
import type { TicketGrant } from './ticket.js';

export interface LenderInfo {
  /** Shown in the consent text ("示例消费金融有限公司"). */
  name: string;
  /** How long the recording is kept, as the applicant should read it ("5 年" / "5 years"). */
  retention: string;
  /** The non-biometric path the applicant may take instead (PIPL: consent must not be forced). */
  alternatives?: { label: string; href?: string }[];
}

export interface LivenessOptions {
  /** Challenges to draw from (default all five) and how many (default 2); [] for passive only. */
  challenges?: readonly ('blink' | 'turn-left' | 'turn-right' | 'nod' | 'open-mouth')[];
  count?: number;
  /** Failed attempts allowed before the cool-down (default 5 within 3 minutes, as AWS advises). */
  maxFailures?: number;
  failureWindowMs?: number;
  coolDownMs?: number;
}

/** 1:1 face verification after liveness (docs/face-liveness.md, "1:1 face verification"). */
export interface FaceMatchOptions {
  /**
   * What a mismatch does: `'fail'` (the step fails with FACE_MATCH_MISMATCH; the applicant may
   * retry), `'flag'` (the session goes on, marked for manual review in the evidence) or `'off'`
   * (default: no comparison on the device; the lender can still run `dualrec face-match`).
   */
  policy?: 'fail' | 'flag' | 'off';
  /** `far1e-2` (default) or `far1e-3`. */
  operatingPoint?: 'far1e-2' | 'far1e-3';
  /**
   * The reference photo, when not the ID portrait the OCR step cut out: bytes the lender's
   * backend supplied for this session, or a URL on the page's own origin to fetch them from.
   */
  reference?: Blob | string;
}

export interface SessionOptions {
  /** Where to POST `{ jkt, scriptId, applicationRef }` for a ticket (the lender's endpoint). */
  ticketUrl?: string;
  /** A ticket grant the page already holds (instead of `ticketUrl`); it must be bound to `deviceKey`. */
  ticket?: TicketGrant;
  /** The device key the given `ticket` is bound to (generate it with generateDeviceKey(), non-extractable). */
  deviceKey?: DeviceKey;
  /** The tus upload endpoint (e.g. `https://lender.example/v1/uploads/`). Required when the steps include `upload`. */
  uploadUrl?: string;
  /**
   * Upload while recording (default true when the steps include `upload`): when the recording
   * starts, a tus upload with deferred length is created and fed with the recording's sealed
   * (encrypted) records as they are stored, so after the seal only the rest of the bundle — the
   * last seconds of the recording, the stills, the event log and the signed manifest — is left to
   * send. If the lender's server refuses it (e.g. no `creation-defer-length`) or the network is
   * down, nothing is lost: the whole bundle is queued and sent after the seal as without it. Set
   * `false` to send only after the seal.
   */
  liveUpload?: boolean;
  /** Where `dualrec assets` output is served, same origin (e.g. `/dualrec-assets`). */
  assetsBase: string;
  /**
   * Which engine reads the ID card: `'paddle'` (PP-OCRv4 in a worker; reads real phone photos
   * far better), `'tesseract'` (tesseract.js: lighter download, weaker on real photos) or
   * `'auto'` (default): PP-OCR where the browser has WebAssembly SIMD and workers, tesseract.js
   * elsewhere or if PP-OCR fails to load. The engine used, and why, is recorded in the evidence.
   */
  ocrEngine?: 'auto' | 'paddle' | 'tesseract';
  /** The disclosure script (JSON, dualrec.disclosure-script format). */
  script: unknown;
  /** The loan terms filled into the script's variables. */
  terms: Record<string, string | number>;
  /** The lender's reference for this loan application (goes to the ticket request, not into the bundle). */
  applicationRef: string;
  lender: LenderInfo;
  /** Which steps to run (default all); support, consent, recording and seal are always included. */
  steps?: readonly string[];
  locale?: UiLocale;
  /** Larger type, slower speech, simpler wording, longer time-outs. */
  elderMode?: boolean;
  liveness?: LivenessOptions;
  faceMatch?: FaceMatchOptions;
  /**
   * Loads webcrypto-liner (an optional peer dependency: install it yourself) when the browser's
   * WebCrypto lacks only what the liner implements (SHA-256, AES-GCM, ECDSA/ECDH P-256); never
   * called otherwise: a function returning the dynamic import of `webcrypto-liner/build/index.es.js`. Without it such a
   * browser gets the `NO_WEBCRYPTO` blocker. See docs/integration.md.
   */
  loadCryptoLiner?: () => Promise<CryptoLinerModule>;
  /** Injectable seams (tests, WebViews with their own bridges). */
  fetch?: typeof fetch;
  mediaDevices?: MediaDevices;
  signal?: AbortSignal;
  /**
   * Replaces the implementation of a step (advanced: a lender's own ID-card service, or tests that
   * drive the controller with controlled steps). The state machine and events are unchanged.
   */
  stepRunners?: Partial<Record<StepName, StepRunner>>;
  /** Called for errors the session reports (also emitted as `error` events). */
  onError?: (error: DualrecError) => void;
}
