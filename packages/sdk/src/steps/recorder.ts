/** Adapter over @dualrec/capture's recorder (placeholder signature until capture lands). */
import type { ByteSource, JsonValue } from '@dualrec/evidence';
import type { StepContext } from '../step.js';

export interface RecordedPart {
  name: string;
  mediaType: string;
  sealed: ByteSource;
}

export interface RunningRecorder {
  mark(type: string, payload: { [key: string]: JsonValue }): void;
  stop(): Promise<{ parts: RecordedPart[] }>;
}

export async function startRecorder(_context: StepContext, _stream: MediaStream): Promise<RunningRecorder> {
  throw new Error('capture not wired yet');
}
