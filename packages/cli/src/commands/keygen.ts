import { resolve } from 'node:path';
import { DualrecError } from '@dualrec/evidence';
import { createKeySet, KEY_FILES } from '@dualrec/server';
import { type Command, EXIT, parseCommandArgs } from '../io.js';

// The key folder lives in @dualrec/server (the server reads it too); re-exported for the commands.
export { KEY_FILES, type LenderKeys, loadLenderKeys, requireKey } from '@dualrec/server';

const usage = `Usage: dualrec keygen --out DIR [--force]

Creates a lender key set in DIR (EC P-256 JWK files, kid = RFC 7638 thumbprint):
  ${KEY_FILES.encryptionPrivate}      decrypts bundles (ECDH-ES+A256KW)   mode 0600
  ${KEY_FILES.encryptionPublic}       give to the SDK: bundles are encrypted to it
  ${KEY_FILES.ticketSigningPrivate}  signs session tickets (ES256)        mode 0600
  ${KEY_FILES.ticketSigningPublic}   verifiers check tickets with it

Options:
  --out DIR   folder to create the files in (created with mode 0700 if missing)
  --force     replace existing key files (bundles encrypted to the old key become unreadable)
`;

export const keygenCommand: Command = {
  summary: "create a lender's key set (encryption + ticket-signing JWKs)",
  usage,
  async run(args, io) {
    const values: { out?: string; force?: boolean } = parseCommandArgs({
      args,
      options: { out: { type: 'string' }, force: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }).values;
    if (!values.out) throw new DualrecError('BAD_USAGE', { detail: '--out DIR is required' });
    const created = await createKeySet(resolve(values.out), { force: values.force ?? false });
    io.stdout.write(
      `${created.dir}:\n  encryption key      kid ${created.encryptionKid}\n  ticket-signing key  kid ${created.ticketSigningKid}\n` +
        'Keep the *.private.jwk files secret (mode 0600); share the *.public.jwk files.\n',
    );
    return EXIT.ok;
  },
};
