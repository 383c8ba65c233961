import { resolve } from 'node:path';
import {
  checkEventLog,
  DualrecError,
  EVENTS_FILE,
  jwkThumbprint,
  MANIFEST_FILE,
  type Manifest,
  parseCanonical,
  readTicketUnverified,
  recipientKeyIds,
  ZipArchive,
} from '@dualrec/evidence';
import { type Command, EXIT, parseCommandArgs } from '../io.js';
import { openFileSource } from './verify.js';

export interface Inspection {
  file: string;
  verified: false;
  entries: { name: string; size: number }[];
  manifest: Manifest;
  deviceKeyThumbprint: string;
  recipients: string[];
  ticket: { header: Record<string, unknown>; claims: Record<string, unknown> } | null;
  events: {
    seq: number;
    t: number;
    wall: string;
    type: string;
    payload: Record<string, unknown>;
    sealed: boolean;
  }[];
  /** Set when the event log had so many problems that reading it stopped (and where). */
  eventsStopped: string | null;
}

/** Problems in events.jsonl after which inspect stops reading it (a hostile log costs no more). */
const INSPECT_MAX_PROBLEMS = 1000;

const usage = `Usage: dualrec inspect FILE [--json]

Shows what a bundle contains — entries, manifest, ticket claims, steps, the event timeline — without
keys and WITHOUT verifying anything (run "dualrec verify" for a verdict). Sealed personal fields
are shown as [sealed]; "dualrec decrypt" opens them with the lender's private key.

Options:
  --json   print everything as one JSON object
`;

async function inspectBundle(path: string): Promise<Inspection> {
  const source = await openFileSource(path);
  try {
    const archive = await ZipArchive.open(source);
    const manifestEntry = archive.get(MANIFEST_FILE);
    if (!manifestEntry) throw new DualrecError('BUNDLE_MALFORMED', { detail: `${MANIFEST_FILE} is missing` });
    const parsed = parseCanonical(await archive.read(manifestEntry, 1024 * 1024));
    if (!parsed.ok && parsed.problem !== 'not-canonical') {
      throw new DualrecError('BUNDLE_MALFORMED', { detail: `${MANIFEST_FILE}: ${parsed.detail}` });
    }
    const manifest = (parsed.ok
      ? parsed.value
      : JSON.parse(
          new TextDecoder().decode(await archive.read(manifestEntry, 1 << 20)),
        )) as unknown as Manifest;
    if (typeof manifest !== 'object' || manifest === null || typeof manifest.sessionId !== 'string') {
      throw new DualrecError('BUNDLE_MALFORMED', { detail: `${MANIFEST_FILE} is not a bundle manifest` });
    }
    const ticket = typeof manifest.ticket === 'string' ? readTicketUnverified(manifest.ticket) : null;
    const eventsEntry = archive.get(EVENTS_FILE);
    // Bounded like verify: a log of hundreds of thousands of junk lines stops being read after
    // INSPECT_MAX_PROBLEMS problems (the events before that point are shown).
    const log = eventsEntry
      ? await checkEventLog(
          await archive.read(eventsEntry, 32 * 1024 * 1024),
          manifest.sessionId,
          EVENTS_FILE,
          {
            maxReasons: INSPECT_MAX_PROBLEMS,
          },
        )
      : null;
    const events = log?.events ?? [];
    const stopped = log?.reasons.find((r) => r.detail.startsWith('checking stopped at line'))?.detail ?? null;
    return {
      file: path,
      verified: false,
      entries: archive.entries.map((e) => ({ name: e.name, size: e.size })),
      manifest,
      deviceKeyThumbprint: await jwkThumbprint(manifest.deviceKey),
      recipients: recipientKeyIds(manifest.encryption?.contentKey ?? ({ recipients: [] } as never)),
      ticket,
      events: events.map((e) => ({
        seq: e.seq,
        t: e.t,
        wall: e.wall,
        type: e.type,
        payload: e.payload,
        sealed: e.sealed !== undefined,
      })),
      eventsStopped: stopped,
    };
  } finally {
    await source.close();
  }
}

function formatInspection(i: Inspection): string {
  const m = i.manifest;
  const claims = i.ticket?.claims ?? {};
  const when = (s: unknown) => (typeof s === 'number' ? new Date(s * 1000).toISOString() : '?');
  const lines = [
    `${i.file}  (not verified: run "dualrec verify")`,
    `format     ${m.format}${m.synthetic ? '   SYNTHETIC SAMPLE' : ''}`,
    `session    ${m.sessionId}   lender ${m.lenderId}`,
    `time       ${m.startedAt} → ${m.endedAt}`,
    `sdk        ${m.sdk?.name} ${m.sdk?.version}   device ${JSON.stringify(m.device)}`,
    `script     ${m.script?.id}  sha256 ${m.script?.sha256}  segments ${m.script?.segments?.join(', ')}`,
    `device key ${i.deviceKeyThumbprint}`,
    `ticket     iss ${claims.iss} sid ${claims.sid} script ${claims.script} cnf.jkt ${(claims.cnf as { jkt?: string } | undefined)?.jkt}`,
    `           issued ${when(claims.iat)} expires ${when(claims.exp)}`,
    `recipients ${i.recipients.join(', ')}`,
    'entries',
    ...i.entries.map((e) => {
      const f = m.files?.find((x) => x.name === e.name);
      const enc = f?.encryption ? `  aes128gcm rs ${f.encryption.recordSize} × ${f.encryption.records}` : '';
      return `  ${e.name.padEnd(34)} ${String(e.size).padStart(11)} B  ${f ? `${f.role} ${f.mediaType}${enc}` : ''}`;
    }),
    'steps',
    ...(m.steps ?? []).map(
      (s) => `  ${s.name.padEnd(12)} ${s.status.padEnd(8)} ${JSON.stringify(s.summary)}`,
    ),
    `events (${i.events.length})${i.eventsStopped ? `  — ${i.eventsStopped}` : ''}`,
    ...i.events.map(
      (e) =>
        `  ${String(e.seq).padStart(3)} ${(`+${(e.t / 1000).toFixed(3)}s`).padStart(10)} ${e.type.padEnd(16)} ${JSON.stringify(e.payload)}${e.sealed ? ' [sealed]' : ''}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

export const inspectCommand: Command = {
  summary: "show a bundle's contents and timeline (no keys, no verification)",
  usage,
  async run(args, io) {
    const parsed: { values: { json?: boolean }; positionals: string[] } = parseCommandArgs({
      args,
      options: { json: { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    });
    if (parsed.positionals.length !== 1)
      throw new DualrecError('BAD_USAGE', { detail: 'give exactly one bundle FILE' });
    const inspection = await inspectBundle(resolve(parsed.positionals[0] as string));
    io.stdout.write(
      parsed.values.json ? `${JSON.stringify(inspection, null, 2)}\n` : formatInspection(inspection),
    );
    return EXIT.ok;
  },
};
