/**
 * Test helpers shared by server.test.ts and s3-storage.test.ts: tickets from a running server,
 * real sample bundles for them, tus HTTP stacks that count the PATCH bytes sent (and drop the
 * connection once), and a fast byte comparison.
 */
import { type DeviceKey, generateDeviceKey, MemorySink, writeSampleBundle } from '@dualrec/evidence';
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

/**
 * A real bundle for a ticket this server issued; `recordingBytes` sets its size. `startedAt` sets
 * the session's start as the device claims it; `signer` signs the manifest with another device
 * key than the one the ticket was issued for (a bundle that must fail verification).
 */
export async function bundleFor(
  server: DualrecServer,
  recordingBytes = 64 * 1024,
  options: { startedAt?: number; signer?: DeviceKey } = {},
) {
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
    deviceKey: options.signer ?? deviceKey,
    ticket: grant.ticket,
    ...(options.startedAt !== undefined ? { startedAt: options.startedAt } : {}),
  });
  return { grant, bytes: await sink.bytes(), deviceKey };
}

/** The same ticket's bundle again, signed by `deviceKey` (the genuine device after an attacker's try). */
export async function bundleWithTicket(
  grant: { ticket: string; recipients: never[] },
  deviceKey: DeviceKey,
  startedAt?: number,
) {
  const sink = new MemorySink();
  await writeSampleBundle({
    sink,
    ticketSigningKey: undefined as never,
    recipients: grant.recipients,
    recording: [globalThis.crypto.getRandomValues(new Uint8Array(4096))],
    recordingType: 'video/webm',
    deviceKey,
    ticket: grant.ticket,
    ...(startedAt !== undefined ? { startedAt } : {}),
  });
  return sink.bytes();
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

/**
 * `countingStack()`'s stack with one network drop: the first PATCH after `afterBytes` were sent
 * throws before any byte leaves, as a connection lost between two chunks.
 */
export function droppingStack(afterBytes: number) {
  const { stack, counter } = countingStack();
  const state = { dropped: false };
  const dropping: tus.HttpStack = {
    getName: () => 'dropping',
    createRequest(method, url) {
      const request = stack.createRequest(method, url);
      const send = request.send.bind(request);
      request.send = async (body) => {
        if (method === 'PATCH' && !state.dropped && counter.patchBytes >= afterBytes) {
          state.dropped = true;
          throw new Error('network down');
        }
        return send(body);
      };
      return request;
    },
  };
  return { stack: dropping, counter, state };
}

/** toEqual on megabytes of Uint8Array takes seconds in vitest; Buffer.equals does not. */
export function sameBytes(actual: Uint8Array, expected: Uint8Array): boolean {
  return actual.length === expected.length && Buffer.from(actual).equals(Buffer.from(expected));
}
