import { join, resolve } from 'node:path';
import { DualrecError } from '@dualrec/evidence';
import { openIndex } from '@dualrec/server';
import { type Command, EXIT, parseCommandArgs } from '../io.js';

const usage = `Usage: dualrec bundles list [--status valid|quarantined] [--limit N] [--data DIR | --db URL] [--json]
       dualrec bundles show UPLOAD_ID [--data DIR | --db URL]

What the lender server received: upload id, session, verdict, size, time, where the file is.
  --data DIR   the server's data folder (default ./dualrec-data; its index is DIR/index.sqlite)
  --db URL     the index instead: sqlite:PATH or postgres://…
`;

export const bundlesCommand: Command = {
  summary: 'list or show the bundles the lender server received',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs({
      args,
      options: {
        data: { type: 'string' },
        db: { type: 'string' },
        status: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: true,
    });
    const [action, id] = positionals;
    if (action !== 'list' && action !== 'show')
      throw new DualrecError('BAD_USAGE', { detail: 'expected "list" or "show UPLOAD_ID"' });
    if (values.status && values.status !== 'valid' && values.status !== 'quarantined')
      throw new DualrecError('BAD_USAGE', { detail: '--status must be valid or quarantined' });
    const dataDir = resolve(values.data ?? 'dualrec-data');
    const index = await openIndex(values.db ?? `sqlite:${join(dataDir, 'index.sqlite')}`);
    try {
      if (action === 'show') {
        if (!id) throw new DualrecError('BAD_USAGE', { detail: 'show needs an UPLOAD_ID' });
        const record = await index.getBundle(id);
        if (!record) {
          io.stderr.write(`dualrec bundles: no bundle ${id}\n`);
          return EXIT.failed;
        }
        // S3 storage records s3://bucket/key; disk storage a path relative to the data folder.
        const where = /^s3:\/\//.test(record.location)
          ? { url: record.location }
          : { path: join(dataDir, record.location) };
        io.stdout.write(`${JSON.stringify({ ...record, ...where }, null, 2)}\n`);
        return EXIT.ok;
      }
      const limit = values.limit ? Number(values.limit) : 100;
      const list = await index.listBundles({
        limit,
        ...(values.status ? { status: values.status as 'valid' | 'quarantined' } : {}),
      });
      if (values.json) {
        io.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return EXIT.ok;
      }
      io.stdout.write(
        `${'received'.padEnd(25)}${'verdict'.padEnd(13)}${'size'.padStart(10)}  upload id / session\n`,
      );
      for (const b of list) {
        io.stdout.write(
          `${b.receivedAt.padEnd(25)}${b.status.padEnd(13)}${String(b.size).padStart(10)}  ${b.uploadId} / ${b.sessionId ?? '-'}${
            b.reasons.length ? `\n${' '.repeat(50)}${b.reasons[0]}` : ''
          }\n`,
        );
      }
      io.stdout.write(`${list.length} bundle(s)\n`);
      return EXIT.ok;
    } finally {
      await index.close();
    }
  },
};
