import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DualrecError } from '@dualrec/evidence';
import {
  createKeySet,
  createServer,
  defaultKeysDir,
  KEY_FILES,
  keysInsideData,
  parseS3Url,
  type StaticMount,
} from '@dualrec/server';
import { type Command, EXIT, parseCommandArgs } from '../io.js';

const usage = `Usage: dualrec serve [--port N] [--host ADDR] [--data DIR] [--db URL] [--keys DIR] [--tsa local|none|URL]
                     [--origin URL]... [--static PREFIX=DIR]... [--lender ID] [--max-bundle-mb N]
                     [--clock-skew S] [--request-timeout S] [--headers-timeout S] [--upload-ttl S]
                     [--insecure-open-tickets] [--accept-synthetic]
                     [--store s3://BUCKET[/PREFIX] [--s3-endpoint URL] [--s3-region R] [--s3-path-style]]

The lender's receiving server: session tickets (POST /v1/tickets), resumable uploads (tus at
/v1/uploads/), verification on receipt, RFC 3161 time-stamps, quarantine, receipts, /health, /ready.

Options (defaults need no set-up):
  --port N           port to listen on (default 8787)
  --host ADDR        address to bind (default 127.0.0.1; 0.0.0.0 behind a TLS proxy)
  --data DIR         uploads, bundles/, quarantine/, the SQLite index, the local TSA (default ./dualrec-data)
  --db URL           index: sqlite:PATH (default sqlite:DATA/index.sqlite) or postgres://user@host/db
  --keys DIR         lender key folder from "dualrec keygen": the ticket-signing private key and the
                     encryption public key (the encryption private key is never needed here). Never
                     inside DATA (refused). Default: dualrec-keys beside DATA, a trial key set created
                     there when missing
  --tsa SPEC         local (default: a local TSA for trials, certificate DATA/tsa/tsa.crt), none, or the
                     URL of your RFC 3161 TSA
  --origin URL       an H5 origin allowed to call the API cross-origin (repeatable; default: same origin only)
  --static P=DIR     also serve DIR at URL prefix P, e.g. --static /=./h5 --static /dualrec-assets=./assets
  --lender ID        lender id written into tickets (default dualrec-demo-lender)
  --max-bundle-mb N  largest bundle accepted (default 512)
  --clock-skew S     seconds of clock difference tolerated when a ticket's expiry and not-before
                     are checked against this server's clock (default 60)
  --request-timeout S
                     longest one request may take, seconds (default 120; a cut PATCH resumes)
  --headers-timeout S
                     longest the request headers may take, seconds (default 20)
  --upload-ttl S      unfinished uploads older than this are deleted, seconds (default 86400;
                     0 = never; disk storage only)
  --insecure-open-tickets
                     INSECURE, demos only: POST /v1/tickets gives anyone a ticket for any application.
                     Without it the endpoint refuses (403): mint tickets in your backend with
                     mintTicket() from @dualrec/server (same index), or run createServer() with an
                     authorizeTicket hook wired to your login (docs/server.md, "Ticket issuance")
  --accept-synthetic file synthetic sample bundles ("dualrec sample") as valid (trials only; default:
                     quarantined with SYNTHETIC_REFUSED)
  --store SPEC       where uploads and bundles go: "disk" (default, under DATA) or s3://BUCKET[/PREFIX]
                     (S3-compatible object storage; credentials from the standard AWS chain:
                     AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws, instance role)
  --s3-endpoint URL  S3-compatible endpoint (MinIO, Ceph RGW, …; default AWS for the region)
  --s3-region R      region (default AWS_REGION or us-east-1)
  --s3-path-style    path-style URLs (ENDPOINT/BUCKET/KEY), which most self-hosted servers need
With --db postgres://… the tus locks are shared by all instances (PostgreSQL advisory locks).
Logs are JSON lines (pino) on stdout. Stop with Ctrl-C (SIGINT) or SIGTERM.
`;

export const serveCommand: Command = {
  summary: 'run the lender server (tickets, tus uploads, verification, time-stamps)',
  usage,
  async run(args, io) {
    const { values } = parseCommandArgs({
      args,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        db: { type: 'string' },
        keys: { type: 'string' },
        tsa: { type: 'string' },
        origin: { type: 'string', multiple: true },
        static: { type: 'string', multiple: true },
        lender: { type: 'string' },
        'max-bundle-mb': { type: 'string' },
        'clock-skew': { type: 'string' },
        'request-timeout': { type: 'string' },
        'headers-timeout': { type: 'string' },
        'upload-ttl': { type: 'string' },
        store: { type: 'string' },
        's3-endpoint': { type: 'string' },
        's3-region': { type: 'string' },
        's3-path-style': { type: 'boolean' },
        'insecure-open-tickets': { type: 'boolean' },
        'accept-synthetic': { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    });
    const port = Number(values.port ?? 8787);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new DualrecError('BAD_USAGE', { detail: `--port ${values.port} is not a port number` });
    const store = values.store ?? 'disk';
    if (store !== 'disk' && !store.startsWith('s3://'))
      throw new DualrecError('BAD_USAGE', {
        detail: `--store ${store}: expected disk or s3://BUCKET[/PREFIX]`,
      });
    if (store === 'disk' && (values['s3-endpoint'] || values['s3-region'] || values['s3-path-style']))
      throw new DualrecError('BAD_USAGE', { detail: '--s3-* options need --store s3://BUCKET[/PREFIX]' });
    const storage =
      store === 'disk'
        ? ({ kind: 'disk' } as const)
        : {
            kind: 's3' as const,
            ...parseS3Url(store),
            ...(values['s3-endpoint'] ? { endpoint: values['s3-endpoint'] } : {}),
            ...(values['s3-region'] ? { region: values['s3-region'] } : {}),
            ...(values['s3-path-style'] ? { forcePathStyle: true } : {}),
          };
    const dataDir = resolve(values.data ?? 'dualrec-data');
    const keysDir = resolve(values.keys ?? defaultKeysDir(dataDir));
    if (keysInsideData(keysDir, dataDir))
      throw new DualrecError('BAD_USAGE', {
        detail: `--keys ${keysDir} is inside --data ${dataDir}: keep the keys in a folder of their own, outside the data folder`,
      });
    const mounts: StaticMount[] = (values.static ?? []).map((spec) => {
      const at = spec.indexOf('=');
      if (at < 1) throw new DualrecError('BAD_USAGE', { detail: `--static ${spec}: expected PREFIX=DIR` });
      return { prefix: spec.slice(0, at), dir: resolve(spec.slice(at + 1)) };
    });
    const maxMb = values['max-bundle-mb'] ? Number(values['max-bundle-mb']) : undefined;
    if (maxMb !== undefined && !(maxMb > 0))
      throw new DualrecError('BAD_USAGE', { detail: '--max-bundle-mb must be > 0' });
    const skew = values['clock-skew'] === undefined ? undefined : Number(values['clock-skew']);
    if (skew !== undefined && !(Number.isInteger(skew) && skew >= 0 && skew <= 3600))
      throw new DualrecError('BAD_USAGE', {
        detail: '--clock-skew must be a whole number of seconds, 0-3600',
      });
    const seconds = (name: 'request-timeout' | 'headers-timeout'): number | undefined => {
      const value = values[name];
      if (value === undefined) return undefined;
      const n = Number(value);
      if (!(Number.isFinite(n) && n > 0 && n <= 3600))
        throw new DualrecError('BAD_USAGE', { detail: `--${name} must be seconds, > 0 and ≤ 3600` });
      return Math.round(n * 1000);
    };
    const requestTimeoutMs = seconds('request-timeout');
    const headersTimeoutMs = seconds('headers-timeout');
    const ttl = values['upload-ttl'] === undefined ? undefined : Number(values['upload-ttl']);
    if (ttl !== undefined && !(Number.isInteger(ttl) && ttl >= 0 && ttl <= 30 * 86_400))
      throw new DualrecError('BAD_USAGE', {
        detail: '--upload-ttl must be whole seconds, 0 (never) to 2592000 (30 days)',
      });
    // Every option is checked before anything is written: a mistyped command creates no keys.
    if (!existsSync(join(keysDir, KEY_FILES.ticketSigningPrivate))) {
      if (values.keys)
        throw new DualrecError('KEY_INVALID', {
          detail: `${keysDir} has no ${KEY_FILES.ticketSigningPrivate}`,
        });
      const created = await createKeySet(keysDir);
      io.stderr.write(
        `dualrec serve: created a trial key set in ${created.dir} (outside the data folder; keep *.private.jwk secret, and move ${KEY_FILES.encryptionPrivate} to the people who decrypt: the server never needs it)\n`,
      );
    }
    const server = await createServer({
      storage,
      dataDir,
      keysDir,
      port,
      ...(values.host ? { host: values.host } : {}),
      ...(values.db ? { db: values.db } : {}),
      ...(values.tsa ? { tsa: values.tsa } : {}),
      ...(values.origin ? { allowedOrigins: values.origin } : {}),
      ...(values.lender ? { lenderId: values.lender } : {}),
      ...(maxMb ? { maxBundleBytes: Math.round(maxMb * 1024 * 1024) } : {}),
      ...(skew !== undefined ? { clockSkewSeconds: skew } : {}),
      ...(requestTimeoutMs ? { requestTimeoutMs } : {}),
      ...(headersTimeoutMs ? { headersTimeoutMs } : {}),
      ...(ttl !== undefined ? { uploadTtlMs: ttl * 1000 } : {}),
      ...(values['insecure-open-tickets'] ? { insecureOpenTickets: true } : {}),
      ...(values['accept-synthetic'] ? { acceptSynthetic: true } : {}),
      static: mounts,
    });
    if (values['insecure-open-tickets'])
      io.stderr.write(
        [
          '',
          '  *****************************************************************************',
          '  *  INSECURE: --insecure-open-tickets                                        *',
          '  *  Anyone who can reach this server gets a session ticket for ANY loan      *',
          '  *  application and can file evidence for it. Demos and tests only; never    *',
          '  *  in production (wire authorizeTicket to your login, docs/server.md).      *',
          '  *****************************************************************************',
          '',
          '',
        ].join('\n'),
      );
    await server.listen();
    io.stderr.write(
      `dualrec serve: ${server.url} (data ${dataDir}${store === 'disk' ? '' : `, bundles in ${store}`})\n`,
    );
    await new Promise<void>((resolvePromise) => {
      const stop = () => resolvePromise();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    return EXIT.ok;
  },
};
