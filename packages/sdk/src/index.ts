// The headless controller (no DOM needed to import it) and the <dualrec-flow> element.
export type { SessionEventMap, SessionEventType, SessionListener, UploadReceiptInfo } from './events.js';
export { isUiLocale, MESSAGES, type MessageKey, translate, type UiLocale } from './i18n.js';
export type { LenderInfo, LivenessOptions, SessionOptions } from './options.js';
export { createSession, DualrecSession } from './session.js';
export {
  currentStep,
  initialState,
  normalizeSteps,
  REQUIRED_STEPS,
  type SessionInput,
  type SessionState,
  type SessionStatus,
  STEP_ORDER,
  type StepFailure,
  type StepName,
  transition,
} from './state.js';
export type { ActionType, SessionAction } from './step.js';
export type { RecoveredSession } from './steps/recovery.js';
export { checkGrant, fetchTicket, type TicketGrant, type TicketRequest } from './ticket.js';
export { SDK_NAME, SDK_VERSION } from './version.js';
export type {
  CardFieldView,
  CardView,
  ConsentView,
  LivenessView,
  RecordingView,
  StepView,
  SupportView,
  WorkView,
} from './views.js';
