import { DualrecError } from '@dualrec/evidence';
import { describe, expect, it } from 'vitest';
import { cliMessageOf, forCliUser } from '../io.js';
import { explainUploadFailure } from './upload.js';

const failed = (status: number) =>
  new DualrecError('UPLOAD_FAILED', { detail: `HTTP ${status}: x`, context: { status } });

describe('explainUploadFailure', () => {
  it('speaks to the CLI user for each kind of failure, never with the phone message', () => {
    const at = 'http://127.0.0.1:9/v1/uploads/';
    const cases: [DualrecError, string][] = [
      [failed(404), '--to must be the'],
      [failed(405), 'is not a tus upload endpoint'],
      [failed(403), "refused the bundle's ticket"],
      [failed(401), "refused the bundle's ticket"],
      [failed(413), '--max-bundle-mb'],
      [failed(400), 'refused the upload (HTTP 400)'],
      [failed(503), 'run the same command again'],
      [new DualrecError('UPLOAD_FAILED', { detail: 'connect ECONNREFUSED' }), 'could not reach'],
      [new DualrecError('UPLOAD_RECEIPT_MISMATCH', { detail: 'x' }), 'upload-state.json'],
    ];
    for (const [error, expected] of cases) {
      const line = cliMessageOf(forCliUser(error, explainUploadFailure(error, at, 'b.zip')));
      expect(line).toContain(expected);
      expect(line).not.toContain('keep this page open');
      // The developer's detail is still there, below the explanation.
      expect(line).toContain(`(${error.detail})`);
    }
  });

  it('keeps the code, detail and cause of the original error', () => {
    const original = failed(403);
    const worded = forCliUser(original, 'x');
    expect(worded.code).toBe('UPLOAD_FAILED');
    expect(worded.detail).toBe(original.detail);
    expect(worded.cause).toBe(original);
    expect(cliMessageOf(original)).toBe(original.message);
  });
});
