/**
 * When the completing PATCH's response is lost, the client learns from HEAD that every byte
 * arrived while the server may still be verifying and time-stamping; GET …/receipt answers 404
 * until then. The load benchmark lost uploads to a give-up after 7.5 s; the client must keep
 * asking until its deadline, and then fail with UPLOAD_FAILED, not hang.
 */
import { DualrecError } from '@dualrec/evidence';
import { describe, expect, it } from 'vitest';
import { fetchReceipt } from './upload.js';

const receipt = {
  uploadId: 'abc',
  sessionId: 's-1',
  bundleSha256: 'a'.repeat(64),
  size: 10,
  receivedAt: '2026-11-23T08:00:00.000Z',
  verdict: 'valid',
  reasons: [],
  timestamp: null,
};

function fakeFetch(notYet: number) {
  const calls: string[] = [];
  const doFetch = (async (url: string) => {
    calls.push(url);
    if (calls.length <= notYet) return new Response('{"error":"no receipt (yet)"}', { status: 404 });
    return Response.json(receipt);
  }) as unknown as typeof fetch;
  return { calls, doFetch };
}

describe('fetchReceipt', () => {
  it('keeps asking while the server has no receipt yet, then returns it', async () => {
    const { calls, doFetch } = fakeFetch(3);
    const got = await fetchReceipt('http://lender.test/v1/uploads/abc', doFetch, 30_000);
    expect(got.uploadId).toBe('abc');
    expect(calls).toHaveLength(4);
    expect(calls[0]).toBe('http://lender.test/v1/uploads/abc/receipt');
  });

  it('fails with UPLOAD_FAILED at its deadline', async () => {
    const { doFetch } = fakeFetch(Number.POSITIVE_INFINITY);
    const started = Date.now();
    const error = await fetchReceipt('http://lender.test/v1/uploads/abc/', doFetch, 600).catch((e) => e);
    expect(error).toBeInstanceOf(DualrecError);
    expect((error as DualrecError).code).toBe('UPLOAD_FAILED');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('stops waiting when the caller aborts', async () => {
    const { doFetch } = fakeFetch(Number.POSITIVE_INFINITY);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled')), 100);
    await expect(
      fetchReceipt('http://lender.test/v1/uploads/abc', doFetch, 60_000, controller.signal),
    ).rejects.toThrow('cancelled');
  });
});
