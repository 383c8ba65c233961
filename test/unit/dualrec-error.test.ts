import { DualrecError, ERROR_MESSAGES, isDualrecError } from '@dualrec/evidence';
import { describe, expect, it } from 'vitest';

describe('DualrecError', () => {
  it('carries its code, detail, context and cause; the message starts with the code text', () => {
    const cause = new Error('disk');
    const error = new DualrecError('ASSET_HASH_MISMATCH', {
      detail: 'a.bin: expected x, got y',
      context: { file: 'a.bin' },
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DualrecError');
    expect(error.code).toBe('ASSET_HASH_MISMATCH');
    expect(error.message).toBe(`${ERROR_MESSAGES.ASSET_HASH_MISMATCH.en} a.bin: expected x, got y`);
    expect(error.cause).toBe(cause);
    expect(error.context).toEqual({ file: 'a.bin' });
    expect(Object.isFrozen(error.context)).toBe(true);
  });

  it('gives a person-facing message in each locale without developer detail', () => {
    const error = new DualrecError('MODEL_LOAD_FAILED', { detail: 'HTTP 503 on /x' });
    expect(error.localizedMessage('zh-CN')).toBe(ERROR_MESSAGES.MODEL_LOAD_FAILED['zh-CN']);
    expect(error.localizedMessage('en')).not.toContain('503');
  });

  it('has a zh-CN and an en message for every code', () => {
    for (const [code, m] of Object.entries(ERROR_MESSAGES)) {
      expect(m.en.length, code).toBeGreaterThan(0);
      expect(m['zh-CN'], code).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('isDualrecError recognises errors across realms by shape, and filters by code', () => {
    const foreign = { name: 'DualrecError', code: 'ABORTED', message: 'from a worker' };
    expect(isDualrecError(foreign)).toBe(true);
    expect(isDualrecError(foreign, 'ABORTED')).toBe(true);
    expect(isDualrecError(foreign, 'BAD_USAGE')).toBe(false);
    expect(isDualrecError(new Error('plain'))).toBe(false);
    expect(isDualrecError(null)).toBe(false);
    expect(isDualrecError({ name: 'DualrecError', code: 7 })).toBe(false);
  });
});
