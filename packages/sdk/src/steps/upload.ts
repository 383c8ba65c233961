import type { StepContext, StepResult } from '../step.js';
export async function runUpload(_context: StepContext): Promise<StepResult> {
  throw new Error('upload not wired yet');
}
