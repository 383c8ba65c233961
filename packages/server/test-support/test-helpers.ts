/**
 * Test helpers shared by server.test.ts and s3-storage.test.ts: tickets from a running server,
 * real sample bundles for them, and a tus HTTP stack that counts the PATCH bytes sent.
 */
import { generateDeviceKey, MemorySink, writeSampleBundle } from '@dualrec/evidence';
import * as tus from 'tus-js-client';
import type { DualrecServer } from '../src/server.js';

export async function grantFor(server: DualrecServer, jkt: string) {
  const response = await fetch(`${server.url}/v1/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jkt, scriptId: 'consumer-loan-zh-CN', applicationRef: 'APP-1' }),
  });
  if (response.status !== 201)
    throw new Error(`POST /v1/tickets: ${response.status} ${await response.text()}`);
  return (await response.json()) as { ticket: string; sessionId: string; recipients: never[] };
}

/** A real bundle for a ticket this server issued; `recordingBytes` sets its size. */
export async function bundleFor(server: DualrecServer, recordingBytes = 64 * 1024) {
  const deviceKey = await generateDeviceKey();
  const grant = await grantFor(server, deviceKey.thumbprint);
  const sink = new MemorySink();
  const recording = new Uint8Array(recordingBytes);
  for (let i = 0; i < recording.length; i += 65536)
    globalThis.crypto.getRandomValues(recording.subarray(i, Math.min(recording.length, i + 65536)));
  await writeSampleBundle({
    sink,
    ticketSigningKey: undefined as never,
    recipients: grant.recipients,
    recording: [recording],
    recordingType: 'video/webm',
    deviceKey,
    ticket: grant.ticket,
  });
  return { grant, bytes: await sink.bytes() };
}

/** Counts the body bytes the client actually sent in PATCH requests. */
export function countingStack() {
  const inner = new tus.DefaultHttpStack({});
  const counter = { patchBytes: 0 };
  const stack: tus.HttpStack = {
    getName: () => 'counting',
    createRequest(method, url) {
      const request = inner.createRequest(method, url);
      const send = request.send.bind(request);
      request.send = (body) => {
        if (method === 'PATCH' && body) counter.patchBytes += (body as Buffer).length ?? 0;
        return send(body);
      };
      return request;
    },
  };
  return { stack, counter };
}
