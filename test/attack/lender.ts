/**
 * The attack suite's target: a real lender server on loopback, configured as a lender would run
 * it — tickets only for a signed-in applicant (`authorizeTicket` accepting `Bearer applicant`),
 * no synthetic bundles except where a test says so — and raw HTTP helpers for a hostile client
 * that speaks tus by hand. Each test in this folder is one finding of issue 16.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DeviceKey, generateDeviceKey, MemorySink, writeSampleBundle } from '@dualrec/evidence';
import { createKeySet, createServer, type DualrecServer, type ServerOptions } from '@dualrec/server';

export const APPLICANT = { authorization: 'Bearer applicant' };

export interface Lender {
  server: DualrecServer;
  url: string;
  dir: string;
  keysDir: string;
  clock: { now: number };
  stop(): Promise<void>;
}

export async function startLender(options: Partial<ServerOptions> = {}): Promise<Lender> {
  const dir = await mkdtemp(join(tmpdir(), 'dualrec-attack-'));
  const keysDir = join(dir, 'keys');
  await createKeySet(keysDir);
  const clock = { now: Date.now() };
  const server = await createServer({
    dataDir: join(dir, 'data'),
    keysDir,
    port: 0,
    logLevel: 'silent',
    tsa: 'none',
    now: () => new Date(clock.now),
    authorizeTicket: ({ headers }) =>
      headers.authorization === APPLICANT.authorization
        ? { applicationRef: 'LOAN-1', subject: 'applicant-1' }
        : { refuse: 'not signed in' },
    ...options,
  });
  await server.listen();
  return {
    server,
    url: server.url,
    dir,
    keysDir,
    clock,
    async stop() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface Grant {
  ticket: string;
  sessionId: string;
  recipients: never[];
}

/** A ticket as the signed-in applicant's page gets it. */
export async function ticketFor(lender: Lender, deviceKey: DeviceKey): Promise<Grant> {
  const response = await fetch(`${lender.url}/v1/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...APPLICANT },
    body: JSON.stringify({
      jkt: deviceKey.thumbprint,
      scriptId: 'consumer-loan-en',
      applicationRef: 'LOAN-1',
    }),
  });
  if (response.status !== 201) throw new Error(`ticket: ${response.status} ${await response.text()}`);
  return (await response.json()) as Grant;
}

/** A sample bundle for `grant`, signed by `signer`. */
export async function bundleFor(
  grant: Grant,
  signer: DeviceKey,
  options: { startedAt?: number; events?: Uint8Array } = {},
): Promise<Uint8Array> {
  const sink = new MemorySink();
  await writeSampleBundle({
    sink,
    ticketSigningKey: undefined as never,
    recipients: grant.recipients,
    recording: [globalThis.crypto.getRandomValues(new Uint8Array(4096))],
    recordingType: 'video/webm',
    deviceKey: signer,
    ticket: grant.ticket,
    ...(options.startedAt !== undefined ? { startedAt: options.startedAt } : {}),
  });
  return sink.bytes();
}

export async function newDevice(lender: Lender) {
  const deviceKey = await generateDeviceKey();
  return { deviceKey, grant: await ticketFor(lender, deviceKey) };
}

const b64 = (v: string) => Buffer.from(v).toString('base64');
const randomSecret = () =>
  Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))).toString('base64url');

export interface HandUpload {
  status: number;
  body: string;
  url: string | null;
  secret: string;
}

/** tus creation by hand, with an upload secret (as the real client sends one). */
export async function create(lender: Lender, grant: Grant, length: number): Promise<HandUpload> {
  const secret = randomSecret();
  const response = await fetch(`${lender.url}/v1/uploads/`, {
    method: 'POST',
    headers: {
      'tus-resumable': '1.0.0',
      'upload-length': String(length),
      'upload-metadata': `ticket ${b64(grant.ticket)},sessionId ${b64(grant.sessionId)},uploadSecret ${b64(secret)},filetype ${b64('application/zip')}`,
    },
  });
  const location = response.headers.get('location');
  return {
    status: response.status,
    body: await response.text(),
    url: location ? new URL(location, `${lender.url}/v1/uploads/`).href : null,
    secret,
  };
}

export async function patch(url: string, offset: number, bytes: Uint8Array, secret?: string) {
  const response = await fetch(url, {
    method: 'PATCH',
    headers: {
      'tus-resumable': '1.0.0',
      'upload-offset': String(offset),
      'content-type': 'application/offset+octet-stream',
      ...(secret ? { 'dualrec-upload-secret': secret } : {}),
    },
    body: Buffer.from(bytes),
  });
  return { status: response.status, body: await response.text() };
}

export async function receipt(url: string, secret?: string) {
  const response = await fetch(`${url}/receipt`, {
    headers: secret ? { 'dualrec-upload-secret': secret } : {},
  });
  return {
    status: response.status,
    body: (await response.json().catch(() => null)) as Record<string, unknown> | null,
  };
}

/** Creation + one PATCH with every byte; the receipt (or why not). */
export async function send(lender: Lender, grant: Grant, bytes: Uint8Array) {
  const made = await create(lender, grant, bytes.length);
  if (!made.url) return { created: made, sent: null, receipt: null };
  const sent = await patch(made.url, 0, bytes, made.secret);
  return { created: made, sent, receipt: sent.status === 204 ? await receipt(made.url, made.secret) : null };
}

export function nonceOf(ticket: string): string {
  return JSON.parse(Buffer.from(ticket.split('.')[1] as string, 'base64url').toString('utf8'))
    .nonce as string;
}
