/**
 * MediaPipe tasks-vision 1.1.0 creates a usage logger inside every task it builds. The logger
 * queues events and POSTs them to a Google endpoint every 60 s and when the task closes. The
 * package has no option to turn that off, and an evidence SDK must not send anything to a third
 * party, so we switch the logger into its own "sending failed" state right after the task is
 * created: from then on it neither queues nor sends (see `flush` in vision_bundle.mjs).
 *
 * The logger is found by shape, not by its minified property names: it is the one object held
 * one level inside the task whose class has both `flush` and `close` methods. A browser test
 * proves that a task silenced this way makes no request, and that an unsilenced one does; if a
 * MediaPipe upgrade changes the shape, we fail loudly rather than let data leave.
 */
import { DualrecError } from '@dualrec/evidence';

type Bag = Record<string, unknown>;

function isObject(value: unknown): value is Bag {
  return typeof value === 'object' && value !== null;
}

function isUsageLogSink(value: unknown): value is Bag & { flush: () => void } {
  return (
    isObject(value) &&
    typeof value.flush === 'function' &&
    typeof value.close === 'function' &&
    // The sink keeps its pending events in an array; the HTTP sender lives beside it.
    Object.values(value).some(Array.isArray)
  );
}

/** Finds every usage-log sink reachable within two levels of the task. */
function findUsageLogSinks(task: object): Bag[] {
  const sinks: Bag[] = [];
  for (const value of Object.values(task as Bag)) {
    if (!isObject(value)) continue;
    if (isUsageLogSink(value)) sinks.push(value);
    for (const inner of Object.values(value)) if (isUsageLogSink(inner)) sinks.push(inner);
  }
  return sinks;
}

/**
 * Stops a MediaPipe task from sending usage logs. Throws `TELEMETRY_GUARD_FAILED` when the logger
 * cannot be found, so an upgrade that moves it cannot silently re-enable the upload.
 */
export function silenceMediaPipeTelemetry(task: object): void {
  const sinks = findUsageLogSinks(task);
  if (sinks.length === 0) {
    throw new DualrecError('TELEMETRY_GUARD_FAILED', {
      detail:
        'MediaPipe usage logger not found; the installed @mediapipe/tasks-vision is not the pinned 1.1.0?',
    });
  }
  for (const sink of sinks) {
    // In this state `flush` only reports failure and the task's recorder stops queueing events.
    sink.error = new Error('usage logging disabled by dualrec');
    for (const value of Object.values(sink)) if (Array.isArray(value)) value.length = 0;
  }
}
