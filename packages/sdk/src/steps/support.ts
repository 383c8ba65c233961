/**
 * First step: can this browser do the session, and in which mode? Then the session's identity:
 * a non-extractable device key, the lender's ticket bound to it, the rendered script and its
 * fingerprint, the bundle content key, and the evidence log's `session.start`. Nothing personal
 * is collected here (consent comes next).
 */
import { DualrecError, generateDeviceKey } from '@dualrec/evidence';
import type { StepContext, StepResult } from '../step.js';
import { fetchTicket } from '../ticket.js';
import { SDK_NAME, SDK_VERSION } from '../version.js';
import { preloadCardReader } from './id-card.js';
import { preloadFaceAnalyzer } from './liveness.js';

/** Non-identifying facts about the device for the manifest (no fingerprinting beyond what an auditor needs). */
function deviceFacts(cryptoProvider: string): { [key: string]: string | number | boolean } {
  const nav = globalThis.navigator;
  return {
    cryptoProvider,
    userAgent: nav?.userAgent ?? 'unknown',
    language: nav?.language ?? 'unknown',
    hardwareConcurrency: nav?.hardwareConcurrency ?? 0,
    screen: globalThis.screen
      ? `${screen.width}x${screen.height}@${globalThis.devicePixelRatio ?? 1}`
      : 'unknown',
  };
}

export async function runSupport(context: StepContext): Promise<StepResult> {
  const { runtime, signal } = context;
  const { options } = runtime;
  context.view({ step: 'support', phase: 'checking', advice: [] });
  context.progress('support.checking', null);
  const { checkSupport } = await import('@dualrec/capture/support');
  const report = await checkSupport(
    options.loadCryptoLiner ? { loadCryptoLiner: options.loadCryptoLiner } : {},
  );
  if (report.mode === 'unsupported') {
    const advice = report.reasons
      .filter((r) => r.severity === 'blocker')
      .map((r) => r.advice[runtime.locale]);
    context.view({ step: 'support', phase: 'unsupported', advice });
    throw new DualrecError('SESSION_UNSUPPORTED', { detail: report.reasons.map((r) => r.code).join(', ') });
  }
  if (report.mode === 'record-only') {
    context.setMode('record-only');
    context.view({ step: 'support', phase: 'record-only', advice: [] });
  }

  const { renderScript, fingerprintScript } = await import('@dualrec/speech');
  const script = renderScript(options.script, options.terms);
  const { sha256 } = await fingerprintScript(script);

  const deviceKey = options.deviceKey ?? (await generateDeviceKey());
  const grant =
    options.ticket ??
    (await fetchTicket(
      options.ticketUrl as string,
      { jkt: deviceKey.thumbprint, scriptId: script.scriptId, applicationRef: options.applicationRef },
      { ...(options.fetch ? { fetch: options.fetch } : {}), signal },
    ));
  signal.throwIfAborted();

  // Persisted at once (IndexedDB): from the first event on, a reload or crash loses nothing.
  const { CaptureSession } = await import('@dualrec/capture');
  const capture = await CaptureSession.create({
    sessionId: grant.sessionId,
    ticket: grant.ticket,
    lenderId: grant.lenderId,
    recipients: grant.recipients,
    deviceKey,
    meta: {
      sdk: { name: SDK_NAME, version: SDK_VERSION },
      device: deviceFacts(report.webCrypto.provider),
      script: { id: script.scriptId, sha256, segments: script.segments.map((s) => s.id) },
    },
  });
  const log = capture.log;
  Object.assign(runtime, { deviceKey, grant, capture, log, script, scriptSha256: sha256 });
  await log.append('session.start', {
    sessionId: grant.sessionId,
    scriptId: script.scriptId,
    scriptVersion: script.scriptVersion,
    scriptSha256: sha256,
    locale: runtime.locale,
    elderMode: runtime.elderMode,
    mode: report.mode,
  });
  await log.append('support.report', {
    mode: report.mode,
    reasons: report.reasons.map((r) => ({ code: r.code, severity: r.severity })),
    mimeTypes: report.mimeTypes,
    storage: report.storage,
  });

  // Evidence an earlier visit left on this device is sealed and sent in the background.
  if (runtime.stepsPlanned.includes('upload')) {
    void import('./recovery.js')
      .then(({ sendLeftovers }) => sendLeftovers(runtime, runtime.lifetime))
      .then((recovered) => {
        for (const r of recovered) runtime.emitRecovered(r);
      })
      .catch(() => undefined);
  }

  // Heavy models load while the applicant reads the consent text.
  const steps = context.runtime.stepsPlanned;
  if (steps.includes('id-front')) void preloadCardReader(context).catch(() => undefined);
  if (steps.includes('liveness') && report.mode === 'full')
    void preloadFaceAnalyzer(context).catch(() => undefined);

  return { status: report.mode === 'full' ? 'passed' : 'fallback', summary: { mode: report.mode } };
}
