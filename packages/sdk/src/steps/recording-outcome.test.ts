import { describe, expect, it } from 'vitest';
import { checkDisclosureOutcome } from './recording.js';

describe('checkDisclosureOutcome', () => {
  it('a completed disclosure passes with nothing flagged', () => {
    expect(checkDisclosureOutcome({ outcome: 'completed', reasons: [] })).toEqual([]);
  });

  it("'completed-with-flags' passes and names the segments left for human review", () => {
    expect(
      checkDisclosureOutcome({
        outcome: 'completed-with-flags',
        reasons: ['flagged:apr-read', 'flagged:fees-read'],
      }),
    ).toEqual(['apr-read', 'fees-read']);
  });

  it.each([
    ['rejected', ['rejected-by-voice']],
    ['failed', ['lip-sync-mismatch']],
    ['aborted', ['aborted']],
  ] as const)('%s ends the step with SESSION_STEP_FAILED and the reasons', (outcome, reasons) => {
    let caught: unknown;
    try {
      checkDisclosureOutcome({ outcome, reasons: [...reasons] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'SESSION_STEP_FAILED' });
    expect((caught as Error).message + JSON.stringify(caught)).toContain(reasons[0]);
  });
});
