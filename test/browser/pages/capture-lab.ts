/**
 * Capture lab: drives @dualrec/capture as the SDK would (support check → persisted session →
 * camera → recording with markers → stop → bundle) and exposes the results to the specs. Lender
 * keys come from the spec (node) so they survive a page reload.
 */
import {
  type Camera,
  CaptureSession,
  generateDeviceKey,
  openCamera,
  type Recording,
  recoverSessions,
} from '@dualrec/capture';
import { checkSupport } from '@dualrec/capture/support';
import {
  blobSource,
  type DualrecError,
  issueTicket,
  openBundle,
  type PrivateJwk,
  type PublicJwk,
  toBase64Url,
  verify,
} from '@dualrec/evidence';

interface LenderKeys {
  ticketPrivate: PrivateJwk;
  ticketPublic: PublicJwk;
  encPrivate: PrivateJwk;
  encPublic: PublicJwk;
}

const SCRIPT = { id: 'capture-lab', sha256: '0'.repeat(64), segments: ['risk'] };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A stand-in still (an ID photo's bytes): JPEG magic, then a pattern the plaintext search looks for. */
function stillBytes(): Uint8Array {
  const bytes = new Uint8Array(40_000);
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  for (let i = 4; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 7)) & 0xff;
  return bytes;
}
const STILL = { name: 'media/id-card-front.jpg', role: 'id-card', mediaType: 'image/jpeg' };

async function newSession(
  keys: LenderKeys,
  sessionId: string,
  storage?: { estimate(): Promise<StorageEstimate> },
) {
  const deviceKey = await generateDeviceKey();
  const ticket = await issueTicket(
    {
      lenderId: 'lab-lender',
      sessionId,
      scriptId: SCRIPT.id,
      nonce: `n-${sessionId}`,
      deviceKeyThumbprint: deviceKey.thumbprint,
      ttlSeconds: 3600,
    },
    keys.ticketPrivate,
  );
  const session = await CaptureSession.create({
    sessionId,
    ticket,
    lenderId: 'lab-lender',
    recipients: [keys.encPublic],
    deviceKey,
    meta: {
      sdk: { name: 'capture-lab', version: '0' },
      device: { lab: true },
      script: SCRIPT,
      synthetic: true,
    },
    ...(storage ? { storage } : {}),
  });
  await session.append('session.start', { sessionId });
  return session;
}

async function idbBytes(): Promise<Uint8Array[]> {
  // Everything IndexedDB holds for capture, read raw (not through our API): chunks, events, sessions.
  const db: IDBDatabase = await new Promise((resolve, reject) => {
    const r = indexedDB.open('dualrec-capture');
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const out: Uint8Array[] = [];
  for (const name of ['chunks', 'events', 'sessions']) {
    const rows: unknown[] = await new Promise((resolve, reject) => {
      const req = db.transaction(name).objectStore(name).getAll();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    for (const row of rows) collect(row, out);
  }
  db.close();
  return out;
}

function collect(value: unknown, out: Uint8Array[]): void {
  if (value instanceof Uint8Array) out.push(value);
  else if (typeof value === 'string') out.push(new TextEncoder().encode(value));
  else if (Array.isArray(value)) for (const v of value) collect(v, out);
  else if (value && typeof value === 'object' && !(value instanceof CryptoKey))
    for (const v of Object.values(value)) collect(v, out);
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** Searches stored bytes for the EBML header and for 24 windows of the recording's own frames. */
function plaintextFound(stored: Uint8Array[], plain: Uint8Array): string[] {
  const needles: [string, Uint8Array][] = [['EBML header', new Uint8Array([0x1a, 0x45, 0xdf, 0xa3])]];
  for (let k = 1; k <= 24; k++) {
    const at = Math.floor((plain.length * k) / 25);
    needles.push([`frame bytes at ${at}`, plain.slice(at, at + 16)]);
  }
  const found: string[] = [];
  for (const [name, needle] of needles) if (stored.some((s) => indexOf(s, needle) >= 0)) found.push(name);
  return found;
}

async function decryptPart(session: CaptureSession, index: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of session.openPart(index)) parts.push(p);
  return new Uint8Array(await new Blob(parts as BlobPart[]).arrayBuffer());
}

async function bundleReport(session: CaptureSession, keys: LenderKeys) {
  const { blob, manifest } = await session.bundleBlob();
  const verdict = await verify(blobSource(blob), {
    ticketKeys: [keys.ticketPublic],
    decryptionKeys: [keys.encPrivate],
  });
  const events = (await session.log.events()).map((e) => ({ type: e.type, payload: e.payload, t: e.t }));
  return {
    valid: verdict.valid,
    reasons: verdict.reasons,
    files: manifest.files.map((f) => ({ name: f.name, role: f.role, mediaType: f.mediaType, size: f.size })),
    events,
    bundle: new Uint8Array(await blob.arrayBuffer()),
  };
}

function errorInfo(error: unknown) {
  const e = error as DualrecError;
  return {
    code: e.code,
    en: typeof e.localizedMessage === 'function' ? e.localizedMessage('en') : String(e),
    zh: typeof e.localizedMessage === 'function' ? e.localizedMessage('zh-CN') : '',
  };
}

let live: { session: CaptureSession; camera: Camera; recording: Recording } | null = null;

const lab = {
  support: () => checkSupport(),

  /** Full flow; returns the decrypted recording, the bundle verdict and the plaintext search. */
  async record(keys: LenderKeys, seconds: number) {
    const session = await newSession(keys, `rec-${Date.now()}`);
    const camera = await openCamera({ events: session.log });
    const recording = await session.startRecording(camera);
    await sleep(1500);
    await recording.segmentStart('risk');
    await session.append('speech.segment', { segmentId: 'risk' });
    await sleep(seconds * 1000 - 3000);
    await recording.segmentEnd('risk');
    await sleep(1500);
    const summary = await recording.stop();
    camera.close();
    const tracksEnded = camera.stream.getTracks().every((t) => t.readyState === 'ended');
    await session.end({ status: 'completed' });
    const stored = await idbBytes();
    const chunkRows = session.parts[0]?.chunks ?? 0;
    const plain = await decryptPart(session, 1);
    const report = await bundleReport(session, keys);
    const inStore = plaintextFound(stored, plain);
    const inBundle = plaintextFound([report.bundle], plain);
    const plainHasEbml = indexOf(plain, new Uint8Array([0x1a, 0x45, 0xdf, 0xa3])) === 0;
    await session.discard();
    return {
      summary,
      chunkRows,
      tracksEnded,
      released: recording.released,
      inStore,
      inBundle,
      plainHasEbml,
      plain: toBase64Url(plain),
      ...report,
      bundle: report.bundle.length,
    };
  },

  /** Starts a session and a recording and leaves it running (the spec reloads the page). */
  async startForReload(keys: LenderKeys) {
    const session = await newSession(keys, `reload-${Date.now()}`);
    await session.append('speech.segment', { segmentId: 'risk' });
    const camera = await openCamera({ events: session.log });
    const recording = await session.startRecording(camera);
    await recording.segmentStart('risk');
    // A still sealed before the reload must come back with the session.
    const stillEntry = await session.addMedia(STILL, [stillBytes()]);
    live = { session, camera, recording };
    localStorage.setItem('capture-lab-still', JSON.stringify(stillEntry));
    return session.id;
  },

  async storedChunks() {
    const [found] = await recoverSessions();
    return found?.parts[0]?.chunks ?? 0;
  },

  async recoverAndSeal(keys: LenderKeys) {
    const found = await recoverSessions();
    if (found.length !== 1) throw new Error(`expected one unfinished session, got ${found.length}`);
    const recovered = found[0] as NonNullable<(typeof found)[0]>;
    const before = { id: recovered.id, parts: recovered.parts, recordedMs: recovered.recordedMs };
    const session = await recovered.sealAsInterrupted();
    const plain = await decryptPart(session, 1);
    const report = await bundleReport(session, keys);
    const stored = await idbBytes();
    const inStore = plaintextFound(stored, plain);
    const still = stillBytes();
    const stillInStore = plaintextFound(stored, still.slice(4)).filter((n) => n !== 'EBML header');
    const opened = await openBundle(blobSource(new Blob([report.bundle as BlobPart])), {
      ticketKeys: [keys.ticketPublic],
      decryptionKey: keys.encPrivate,
    });
    const stillParts: Uint8Array[] = [];
    for await (const p of opened.decryptFile(STILL.name)) stillParts.push(p);
    const stillBack = new Uint8Array(await new Blob(stillParts as BlobPart[]).arrayBuffer());
    const stillSame = stillBack.length === still.length && stillBack.every((b, i) => b === still[i]);
    const stillEntry = JSON.parse(localStorage.getItem('capture-lab-still') ?? 'null');
    const stillInManifest = opened.manifest.files.find((f) => f.name === STILL.name) ?? null;
    await session.discard();
    const after = await recoverSessions({ includeEnded: true });
    return {
      before,
      ...report,
      bundle: report.bundle.length,
      plain: toBase64Url(plain),
      inStore,
      stillInStore,
      stillSame,
      stillEntry,
      stillInManifest,
      left: after.length,
    };
  },

  /** After a reload: continue the session with a second recording part, then finish normally. */
  async recoverAndContinue(keys: LenderKeys) {
    const [recovered, ...others] = await recoverSessions();
    if (!recovered || others.length) throw new Error('expected one unfinished session');
    const session = await recovered.continue();
    const camera = await openCamera({ events: session.log });
    const recording = await session.startRecording(camera);
    await sleep(2500);
    await recording.stop();
    camera.close();
    await session.end({ status: 'completed' });
    const report = await bundleReport(session, keys);
    const part2 = await decryptPart(session, 2);
    await session.discard();
    return { ...report, bundle: report.bundle.length, part2: toBase64Url(part2), parts: session.parts };
  },

  async cameraNotFound() {
    try {
      const camera = await openCamera({ deviceId: 'no-such-camera' });
      camera.close();
      return null;
    } catch (error) {
      return errorInfo(error);
    }
  },

  async permissionDenied() {
    try {
      const camera = await openCamera();
      camera.close();
      return null;
    } catch (error) {
      return errorInfo(error);
    }
  },

  /** Another party stops the camera track mid-recording (as the OS or another app would). */
  async cameraStopped(keys: LenderKeys) {
    const session = await newSession(keys, `ended-${Date.now()}`);
    await session.append('speech.segment', { segmentId: 'risk' });
    const camera = await openCamera({ events: session.log, pollMs: 200 });
    let reported: unknown = null;
    const recording = await session.startRecording(camera, { onError: (e) => (reported = e) });
    await sleep(2500);
    camera.video.stop();
    const deadline = performance.now() + 5000;
    while (!reported && performance.now() < deadline) await sleep(100);
    const summary = await recording.stop();
    camera.close();
    await session.end({ status: 'camera-ended' });
    const report = await bundleReport(session, keys);
    const result = {
      error: reported ? errorInfo(reported) : null,
      summary,
      valid: report.valid,
      reasons: report.reasons,
      types: report.events.map((e) => e.type),
      released: recording.released,
    };
    await session.discard();
    return result;
  },

  /** The recorder stops delivering data while the page is visible (paused from outside). */
  async recorderStall(keys: LenderKeys) {
    const session = await newSession(keys, `stall-${Date.now()}`);
    await session.append('speech.segment', { segmentId: 'risk' });
    const camera = await openCamera({ events: session.log });
    let reported: unknown = null;
    const recording = await session.startRecording(camera, { stallMs: 2500, onError: (e) => (reported = e) });
    await sleep(2200);
    (recording as unknown as { recorder: { pauseRecording(): void } }).recorder.pauseRecording();
    const deadline = performance.now() + 8000;
    while (!reported && performance.now() < deadline) await sleep(100);
    const summary = await recording.stop();
    camera.close();
    await session.end({ status: 'recorder-failed' });
    const report = await bundleReport(session, keys);
    await session.discard();
    return {
      error: reported ? errorInfo(reported) : null,
      summary,
      valid: report.valid,
      reasons: report.reasons,
      released: recording.released,
    };
  },

  /** Storage runs out after a few chunks (estimate seam), and a start with no room at all. */
  async quota(keys: LenderKeys) {
    let usage = 0;
    // Each estimate reports 100 kB more used: a few chunks fit above the 5 MB reserve, then not.
    const quota = 5e6 + 700e3;
    const storage = {
      estimate: async () => {
        usage += 100e3;
        return { quota, usage };
      },
    };
    const session = await newSession(keys, `quota-${Date.now()}`, storage);
    await session.append('speech.segment', { segmentId: 'risk' });
    const camera = await openCamera({ events: session.log });
    let reported: unknown = null;
    const recording = await session.startRecording(camera, {
      onError: (e) => (reported = e),
      minFreeBytes: 5.5e6,
    });
    const deadline = performance.now() + 15000;
    while (!reported && performance.now() < deadline) await sleep(100);
    const summary = await recording.stop();
    camera.close();
    await session.end({ status: 'storage-full' });
    const report = await bundleReport(session, keys);
    const types = report.events.map((e) => e.type);
    const plain = await decryptPart(session, 1);
    await session.discard();

    const full = await newSession(keys, `quota0-${Date.now()}`, {
      estimate: async () => ({ quota: 10e6, usage: 9.5e6 }),
    });
    const camera2 = await openCamera();
    let atStart: unknown = null;
    try {
      await full.startRecording(camera2);
    } catch (error) {
      atStart = error;
    }
    camera2.close();
    await full.discard();
    return {
      error: reported ? errorInfo(reported) : null,
      atStart: atStart ? errorInfo(atStart) : null,
      summary,
      valid: report.valid,
      reasons: report.reasons,
      types,
      stopped: report.events.find((e) => e.type === 'capture.recording.stopped')?.payload ?? null,
      plainBytes: plain.length,
    };
  },

  async cleanup() {
    if (live) {
      await live.recording.stop();
      live.camera.close();
      await live.session.discard();
      live = null;
    }
    for (const s of await recoverSessions({ includeEnded: true })) await s.discard();
  },
};

(window as unknown as { lab: typeof lab }).lab = lab;
document.body.dataset.ready = '1';
