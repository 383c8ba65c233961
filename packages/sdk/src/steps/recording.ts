/**
 * The recording: the camera and microphone are recorded continuously (sealed ~1 s chunks, see
 * @dualrec/capture) while the disclosure script runs (@dualrec/speech): prompts are spoken or
 * shown, read-aloud segments are measured, confirmations are spoken or tapped. Face presence is
 * measured per segment (@dualrec/face) and the analyzer's jawOpen feeds the lip-sync check. Each
 * segment start/end is a marker with recording-relative time, so an auditor can seek to it.
 */

import type { RecordingSummary } from '@dualrec/capture';
import { DualrecError, type JsonValue } from '@dualrec/evidence';
import type { FaceAnalyzer, PresenceSession } from '@dualrec/face';
import type {
  FlowResult,
  MouthCollector,
  RenderedScript,
  RunnerView,
  ScriptRunner,
  SpeechEvent,
  SpeechEventSink,
} from '@dualrec/speech';
import type { StepContext, StepResult } from '../step.js';
import type { RecordingView } from '../views.js';
import { ensureCamera, playingVideo } from './camera.js';
import { startLiveUpload } from './live-upload.js';
import { faceEventPayload, preloadFaceAnalyzer } from './liveness.js';

/**
 * Forwards the runner's events to the log and turns segment boundaries into recording markers
 * (recording-relative time, so an auditor can seek to each segment). Appends are chained so the
 * log keeps the runner's order; the first failure is reported by settled().
 */
class SegmentSink implements SpeechEventSink {
  private pending: Promise<unknown> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly context: StepContext,
    private readonly onSegment: (edge: 'start' | 'end', segmentId: string) => Promise<unknown>,
  ) {}

  emit(event: SpeechEvent): void {
    const segmentId = typeof event.payload.segmentId === 'string' ? event.payload.segmentId : null;
    if (segmentId && event.type === 'speech.segment.start')
      this.chain(() => this.onSegment('start', segmentId));
    this.chain(() => this.context.log(event.type, event.payload, event.sealed));
    if (segmentId && event.type === 'speech.segment') this.chain(() => this.onSegment('end', segmentId));
  }

  private chain(work: () => Promise<unknown>): void {
    this.pending = this.pending.then(work).catch((error: unknown) => {
      this.failure ??= error;
    });
  }

  async settled(): Promise<void> {
    await this.pending;
    if (this.failure !== undefined) throw this.failure;
  }
}

function phaseOf(view: RunnerView): RecordingView['phase'] {
  const kind = view.segment?.kind;
  if (!kind) return view.outcome ? 'finishing' : 'starting';
  if (kind === 'read-aloud') return 'read-aloud';
  if (kind === 'prompt') return 'prompt';
  return 'question';
}

/**
 * Judges the disclosure run: a refusal or a failure ends the step with SESSION_STEP_FAILED.
 * 'completed-with-flags' is not a failure: the script said to go on past a read-aloud segment
 * that failed its checks (onSegmentFailure: 'continue-flagged'), so those segments are for human
 * review. Returns the flagged segment ids (they are also in the log's speech.flow.end).
 */
export function checkDisclosureOutcome(result: Pick<FlowResult, 'outcome' | 'reasons'>): string[] {
  if (result.outcome !== 'completed' && result.outcome !== 'completed-with-flags') {
    throw new DualrecError('SESSION_STEP_FAILED', {
      detail: `disclosure ${result.outcome}: ${result.reasons.join(', ')}`,
    });
  }
  return result.reasons.filter((r) => r.startsWith('flagged:')).map((r) => r.slice('flagged:'.length));
}

export async function runRecording(context: StepContext): Promise<StepResult> {
  const { runtime, signal } = context;
  const { capture, log } = runtime;
  const script = runtime.script as RenderedScript | null;
  if (!capture || !log || !script)
    throw new DualrecError('BAD_USAGE', { detail: 'the support step must run first' });
  const camera = await ensureCamera(context);
  const speech = await import('@dualrec/speech');
  const elderMode = runtime.elderMode;

  // Face presence and lip sync need the face model; in record-only mode the recording goes on without them.
  let analyzer: FaceAnalyzer | null = null;
  let presence: PresenceSession | null = null;
  let mouth: MouthCollector | undefined;
  let stopMouth: (() => void) | undefined;
  if (context.mode === 'full') {
    try {
      analyzer = await preloadFaceAnalyzer(context);
    } catch (cause) {
      await context.log('recording.degraded', { reason: 'face-model-unavailable', detail: String(cause) });
    }
  }
  const video = analyzer ? await playingVideo(camera.stream, signal) : null;
  if (analyzer && video) {
    const face = await import('@dualrec/face');
    mouth = new speech.MouthCollector();
    const collector = mouth;
    stopMouth = analyzer.onFrame((frame) => collector.add(frame.t, frame.faces[0]?.jawOpen ?? null));
    presence = new face.PresenceSession({
      analyzer,
      video,
      onEvent: (event) => {
        const { type, payload } = faceEventPayload(event);
        void context.log(type, payload).catch(() => undefined);
      },
    });
  }

  // A failing recording (camera unplugged, storage full, recorder died) stops the script: the
  // part so far stays stored and sealed, and a retry of this step records a new part.
  const recordingFailed = new AbortController();
  const recorder = await capture.startRecording(camera, {
    onError: (error) => recordingFailed.abort(error),
  });
  const runSignal = AbortSignal.any([signal, recordingFailed.signal]);
  // The bundle's start (this part's sealed records) goes to the lender while the script runs.
  await startLiveUpload(context).catch(() => undefined);
  presence?.start();
  const mic = await speech.MicrophoneAudioSource.open(camera.stream);
  const prompter = new speech.FallbackPrompter(
    new speech.SpeechSynthesisPrompter({ voicesTimeoutMs: 500 }),
    null,
  );
  const sink = new SegmentSink(context, async (edge, segmentId) => {
    if (edge === 'start') presence?.segmentStart(segmentId);
    else presence?.segmentEnd(segmentId);
    if (!recorder.isActive) return;
    await (edge === 'start' ? recorder.segmentStart(segmentId) : recorder.segmentEnd(segmentId));
  });
  const runner: ScriptRunner = new speech.ScriptRunner({
    script,
    prompter,
    audio: mic,
    sink,
    elderMode,
    ...(mouth ? { mouth } : {}),
  });
  const startedAt = performance.now();
  let lastView: RunnerView = runner.view;
  const show = (view: RunnerView) => {
    lastView = view;
    context.view({
      step: 'recording',
      phase: phaseOf(view),
      stream: camera.stream,
      segmentIndex: view.segmentIndex,
      segmentCount: view.segmentCount,
      text: view.segment?.text ?? '',
      highlight: speech.readingHighlight(view, performance.now(), { elderMode }),
      listening: view.listening,
      awaitingTap: view.awaitingTap,
      canFinishReading: view.listening && view.segment?.kind === 'read-aloud' && view.heardSpeech,
      hint: view.lastReasons.length ? context.t('recording.again') : null,
      elapsedMs: performance.now() - startedAt,
    });
  };
  const unsubscribe = runner.subscribe(show);
  // The highlight and the clock move between runner updates.
  const ticker = setInterval(() => show(lastView), 250);
  const actions = (async () => {
    for (;;) {
      const action = await context.waitFor('speech-done', 'speech-confirm', 'speech-refuse');
      if (action.type === 'speech-done') runner.finishSpeaking();
      else runner.tap(action.type === 'speech-confirm' ? 'accept' : 'reject');
    }
  })().catch(() => undefined);

  let result: FlowResult | null = null;
  let runError: unknown = null;
  let recording: RecordingSummary;
  try {
    result = await runner.run(runSignal);
    await sink.settled();
  } catch (error) {
    runError = error;
  } finally {
    clearInterval(ticker);
    unsubscribe();
    runner.close();
    prompter.close();
    stopMouth?.();
    await presence?.close().catch(() => undefined);
    await mic.close().catch(() => undefined);
    recording = await recorder.stop();
  }
  void actions;
  if (recorder.error) throw recorder.error;
  if (runError !== null || !result) throw runError;
  const flaggedSegments = checkDisclosureOutcome(result);
  const summary: { [key: string]: JsonValue } = {
    outcome: result.outcome,
    scriptSha256: result.sha256,
    segments: script.segments.length,
    durationMs: Math.round(performance.now() - startedAt),
    part: recording.part,
    recordedMs: Math.round(recording.durationMs),
    mediaType: recording.mimeType,
    sealedBytes: recording.sealedBytes,
    facePresence: presence !== null,
    flaggedSegments,
  };
  return { status: context.mode === 'full' ? 'passed' : 'fallback', summary };
}
