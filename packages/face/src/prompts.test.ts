import { describe, expect, it } from 'vitest';
import { CHALLENGE_KINDS } from './challenges.js';
import { FAILURE_REASONS } from './machine.js';
import { FAILURE_MESSAGES, livenessPrompt } from './prompts.js';

describe('livenessPrompt', () => {
  it('puts a blocking quality problem before the challenge, and the challenge before minor ones', () => {
    const challenge = {
      name: 'challenge' as const,
      index: 0,
      kind: 'turn-left' as const,
      attempt: 1,
      startedAt: 0,
      progress: 0,
    };
    expect(livenessPrompt({ ...challenge, feedback: ['multiple-faces', 'off-centre'] }, 'en')).toEqual({
      key: 'feedback:multiple-faces',
      text: 'Only the applicant may be in view. Ask others to step away.',
    });
    expect(livenessPrompt({ ...challenge, feedback: ['face-turned'] }, 'zh-CN')).toEqual({
      key: 'challenge:turn-left',
      text: '请缓慢向左转头。',
    });
    expect(livenessPrompt({ name: 'positioning', since: 0, feedback: ['too-far'] }, 'en').key).toBe(
      'feedback:too-far',
    );
    expect(livenessPrompt({ name: 'positioning', since: 0, feedback: [] }, 'en').key).toBe('hold-still');
  });

  it('has zh-CN and en text for every challenge and failure', () => {
    for (const kind of CHALLENGE_KINDS)
      for (const language of ['en', 'zh-CN'] as const) {
        const p = livenessPrompt(
          { name: 'challenge', index: 0, kind, attempt: 1, startedAt: 0, progress: 0, feedback: [] },
          language,
        );
        expect(p.text.length).toBeGreaterThan(2);
      }
    for (const reason of FAILURE_REASONS) {
      expect(FAILURE_MESSAGES[reason].en).toMatch(/\.$/);
      expect(FAILURE_MESSAGES[reason]['zh-CN']).toMatch(/。$/);
      expect(livenessPrompt({ name: 'failed', at: 0, reason }, 'en').key).toBe(`failed:${reason}`);
    }
  });
});
