/**
 * Separate consent for face and voice data (PIPL art. 29 and the 2025 face-recognition security
 * measures ask for a separate, informed consent with purpose, retention and a non-biometric
 * alternative). The log records which text was shown (its SHA-256, locale and version) and the
 * answer; a refusal ends the session before any face or voice is captured.
 */
import { DualrecError, sha256Hex } from '@dualrec/evidence';
import type { MessageKey } from '../i18n.js';
import type { StepContext, StepResult } from '../step.js';

export const CONSENT_TEXT_VERSION = 'dualrec-consent/1';
const CONSENT_KEYS: MessageKey[] = [
  'consent.title',
  'consent.body',
  'consent.purpose',
  'consent.onDevice',
  'consent.retention',
  'consent.alternative',
];

/** The exact consent text the applicant sees, as one string (what the log's hash covers). */
export function consentText(context: Pick<StepContext, 't' | 'runtime'>): string {
  const { lender } = context.runtime.options;
  const values = { lender: lender.name, retention: lender.retention };
  const alternatives = (lender.alternatives ?? []).map((a) => `- ${a.label}${a.href ? ` <${a.href}>` : ''}`);
  return [...CONSENT_KEYS.map((key) => context.t(key, values)), ...alternatives].join('\n');
}

export async function runConsent(context: StepContext): Promise<StepResult> {
  const { lender } = context.runtime.options;
  const view = (phase: 'asking' | 'declined') =>
    context.view({
      step: 'consent',
      phase,
      lenderName: lender.name,
      retention: lender.retention,
      alternatives: lender.alternatives ?? [],
    });
  view('asking');
  const shown = consentText(context);
  const textSha256 = await sha256Hex(shown);
  const { accepted } = await context.waitFor('consent');
  const payload = {
    scope: ['face-image', 'face-video', 'voice', 'id-card'],
    separate: true,
    textVersion: CONSENT_TEXT_VERSION,
    textSha256,
    locale: context.runtime.locale,
    elderMode: context.runtime.elderMode,
  };
  if (!accepted) {
    await context.log('consent.declined', payload);
    view('declined');
    throw new DualrecError('SESSION_CONSENT_DECLINED');
  }
  await context.log('consent.given', payload);
  return { status: 'passed', summary: { textVersion: CONSENT_TEXT_VERSION, textSha256 } };
}
