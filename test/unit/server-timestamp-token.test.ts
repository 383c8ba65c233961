/**
 * checkTimestampToken (pkijs, runs in browsers too) on real RFC 3161 tokens from the server's
 * LocalTsa (OpenSSL `ts -reply`), and agreement with the OpenSSL check the server uses: each
 * kind of damage an auditor could meet (other bytes, another TSA, a changed genTime, a broken
 * signature, a non-token) must be refused with its own reason.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTimestampToken } from '@dualrec/evidence';
import { LocalTsa, verifyTimestampToken } from '@dualrec/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const signature = new TextEncoder().encode('eyJhbGciOiJFUzI1NiJ9..manifest-signature-bytes');
let dir: string;
let tsa: LocalTsa;
let other: LocalTsa;
let token: Uint8Array;
let genTime: string;
let certPem: string;
let otherPem: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dualrec-tst-'));
  tsa = await LocalTsa.open(join(dir, 'tsa'));
  other = await LocalTsa.open(join(dir, 'other'));
  const stamped = await tsa.stamp(signature);
  token = stamped.token;
  genTime = stamped.genTime;
  certPem = await readFile(tsa.certificatePath, 'utf8');
  otherPem = await readFile(other.certificatePath, 'utf8');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Offset of the TSTInfo genTime (GeneralizedTime, 15 bytes "YYYYMMDDhhmmssZ"). */
function genTimeOffset(der: Uint8Array): number {
  for (let i = 0; i < der.length - 17; i++)
    if (der[i] === 0x18 && der[i + 1] === 0x0f && der[i + 16] === 0x5a) return i + 2;
  throw new Error('no GeneralizedTime in the token');
}

describe('checkTimestampToken', () => {
  it('accepts a LocalTsa token over the same bytes, with the TSA certificate trusted', async () => {
    const check = await checkTimestampToken(token, signature, { trustedCertPem: certPem });
    expect(check).toEqual({
      valid: true,
      trusted: true,
      genTime,
      tsaName: 'DirName:/O=dualrec/CN=dualrec local TSA (not for production)',
    });
    // The OpenSSL check the server and CLI use agrees.
    expect(await verifyTimestampToken(token, signature, tsa.certificatePath)).toMatchObject({
      valid: true,
      genTime,
    });
  });

  it('without a trusted certificate, checks consistency only and says it is untrusted', async () => {
    const check = await checkTimestampToken(token, signature);
    expect(check.valid).toBe(true);
    expect(check.trusted).toBe(false);
  });

  it('refuses a token over other bytes', async () => {
    const changed = signature.slice();
    changed[5] = (changed[5] ?? 0) ^ 1;
    const check = await checkTimestampToken(token, changed, { trustedCertPem: certPem });
    expect(check.valid).toBe(false);
    expect(check.reason).toMatch(/message imprint/);
    expect(check.genTime).toBe(genTime);
  });

  it('refuses a token from another TSA than the trusted one (as OpenSSL does)', async () => {
    const check = await checkTimestampToken(token, signature, { trustedCertPem: otherPem });
    expect(check.valid).toBe(false);
    expect(check.trusted).toBe(false);
    expect(check.reason).toMatch(/not trusted/);
    expect((await verifyTimestampToken(token, signature, other.certificatePath)).valid).toBe(false);
  });

  it('refuses a token whose genTime was changed after signing', async () => {
    const forged = token.slice();
    const at = genTimeOffset(forged);
    // Move the year on by one: still a well-formed time, no longer what was signed.
    const digit = forged[at + 3] ?? 0x30;
    forged[at + 3] = digit === 0x39 ? 0x38 : digit + 1;
    const check = await checkTimestampToken(forged, signature, { trustedCertPem: certPem });
    expect(check.valid).toBe(false);
    expect(check.reason).toMatch(/signature does not verify/);
    expect(check.genTime).not.toBe(genTime);
  });

  it('refuses a token with a damaged signature value', async () => {
    const damaged = token.slice();
    // The SignerInfo's ECDSA signature is the last element of the DER; its last byte is part of s.
    damaged[damaged.length - 1] = (damaged.at(-1) ?? 0) ^ 0x01;
    const check = await checkTimestampToken(damaged, signature, { trustedCertPem: certPem });
    expect(check.valid).toBe(false);
    expect(check.reason).toMatch(/signature does not verify/);
  });

  it('refuses bytes that are not a token, and a PEM without certificates, without throwing', async () => {
    const garbage = await checkTimestampToken(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]), signature);
    expect(garbage).toMatchObject({ valid: false, genTime: null });
    expect(garbage.reason).toMatch(/cannot be read/);
    const empty = await checkTimestampToken(token, signature, { trustedCertPem: 'not a pem' });
    expect(empty.valid).toBe(false);
    expect(empty.reason).toMatch(/holds no certificate/);
  });

  it('accepts a token from a TSA whose certificate a trusted CA issued (chain checked as of genTime)', async () => {
    // A CA and a time-stamping certificate it issued, placed where LocalTsa.open reuses them.
    const caDir = join(dir, 'ca');
    const tsaDir = join(dir, 'issued');
    await mkdir(caDir);
    await mkdir(tsaDir);
    const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    run([
      'req',
      '-x509',
      ...ec,
      '-keyout',
      join(caDir, 'ca.key'),
      '-out',
      join(caDir, 'ca.crt'),
      '-days',
      '30',
      '-subj',
      '/O=dualrec test/CN=test root CA',
      '-addext',
      'basicConstraints=critical,CA:true',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    run([
      'req',
      ...ec,
      '-keyout',
      join(tsaDir, 'tsa.key'),
      '-out',
      join(tsaDir, 'tsa.csr'),
      '-subj',
      '/O=dualrec test/CN=issued TSA',
    ]);
    await writeFile(
      join(tsaDir, 'ext.cnf'),
      'extendedKeyUsage=critical,timeStamping\nkeyUsage=critical,digitalSignature\n',
    );
    run([
      'x509',
      '-req',
      '-in',
      join(tsaDir, 'tsa.csr'),
      '-CA',
      join(caDir, 'ca.crt'),
      '-CAkey',
      join(caDir, 'ca.key'),
      '-CAcreateserial',
      '-days',
      '30',
      '-extfile',
      join(tsaDir, 'ext.cnf'),
      '-out',
      join(tsaDir, 'tsa.crt'),
    ]);
    await writeFile(join(tsaDir, 'serial'), '01\n');
    const issued = await LocalTsa.open(tsaDir);
    const stamped = await issued.stamp(signature);
    const caPem = await readFile(join(caDir, 'ca.crt'), 'utf8');

    const check = await checkTimestampToken(stamped.token, signature, { trustedCertPem: caPem });
    expect(check).toMatchObject({
      valid: true,
      trusted: true,
      tsaName: 'DirName:/O=dualrec test/CN=issued TSA',
    });
    expect((await verifyTimestampToken(stamped.token, signature, join(caDir, 'ca.crt'))).valid).toBe(true);
    // The same token with an unrelated root trusted is refused.
    const wrongRoot = await checkTimestampToken(stamped.token, signature, { trustedCertPem: otherPem });
    expect(wrongRoot).toMatchObject({ valid: false, trusted: false });
    expect(wrongRoot.reason).toMatch(/not trusted/);
  });
});
