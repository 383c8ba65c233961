import { importJWK, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { toBase64Url, utf8 } from './bytes.js';
import { toLowSCompact } from './ecdsa.js';
import {
  generateDeviceKey,
  generateKeyPairJwk,
  importPrivateJwk,
  jwkThumbprint,
  pemToPrivateJwk,
  pemToPublicJwk,
  privateJwkToPem,
  publicJwkToPem,
  toPublicJwk,
} from './keys.js';
import {
  decryptForRecipient,
  generateContentKey,
  recipientKeyIds,
  unwrapContentKey,
  wrapContentKey,
} from './keywrap.js';
import { checkManifestSignature, signManifest, verifyDetachedCompact } from './signature.js';
import { checkTicketSignature, issueTicket, TICKET_TYP, verifyTicket } from './ticket.js';

describe('keys', () => {
  it('lender key pairs carry kid = RFC 7638 thumbprint, alg and use; PEM round-trips', async () => {
    const pair = await generateKeyPairJwk('encryption');
    expect(pair.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ECDH-ES+A256KW', use: 'enc' });
    expect(pair.publicJwk.kid).toBe(await jwkThumbprint(pair.publicJwk));
    expect(pair.privateJwk.kid).toBe(pair.publicJwk.kid);
    const publicPem = await publicJwkToPem(pair.publicJwk, 'encryption');
    expect(publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(await pemToPublicJwk(publicPem, 'encryption')).toEqual(pair.publicJwk);
    const privatePem = await privateJwkToPem(pair.privateJwk, 'encryption');
    expect(privatePem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(await pemToPrivateJwk(privatePem, 'encryption')).toEqual(pair.privateJwk);
  });

  it('the device key is non-extractable by default; its public half is exported', async () => {
    const device = await generateDeviceKey();
    expect(device.privateKey.extractable).toBe(false);
    expect(device.thumbprint).toBe(await jwkThumbprint(device.publicJwk));
    await expect(globalThis.crypto.subtle.exportKey('jwk', device.privateKey)).rejects.toThrow();
  });

  it.each([
    ['not an object', 'x'],
    ['RSA', { kty: 'RSA', n: 'x', e: 'AQAB' }],
    ['P-384', { kty: 'EC', crv: 'P-384', x: 'a'.repeat(64), y: 'a'.repeat(64) }],
    ['short coordinate', { kty: 'EC', crv: 'P-256', x: 'abc', y: 'a'.repeat(43) }],
  ])('rejects a malformed public JWK (%s) with KEY_INVALID', (_name, value) => {
    expect(() => toPublicJwk(value)).toThrow(expect.objectContaining({ code: 'KEY_INVALID' }));
  });

  it('rejects a point that is not on the curve and bad PEM with KEY_INVALID', async () => {
    const pair = await generateKeyPairJwk('ticket-signing');
    const offCurve = { ...pair.privateJwk, y: pair.privateJwk.x };
    await expect(importPrivateJwk(offCurve, 'ticket-signing')).rejects.toMatchObject({ code: 'KEY_INVALID' });
    await expect(
      pemToPublicJwk('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', 'encryption'),
    ).rejects.toMatchObject({
      code: 'KEY_INVALID',
    });
  });
});

describe('content key wrapping (JWE ECDH-ES+A256KW, several recipients)', () => {
  it('every recipient unwraps the same key; others get KEY_NOT_RECIPIENT', async () => {
    const [a, b, outsider] = await Promise.all([1, 2, 3].map(() => generateKeyPairJwk('encryption')));
    if (!a || !b || !outsider) throw new Error('keygen failed');
    const key = generateContentKey();
    const jwe = await wrapContentKey(key, [a.publicJwk, b.publicJwk]);
    expect(recipientKeyIds(jwe)).toEqual([a.publicJwk.kid, b.publicJwk.kid]);
    expect(await unwrapContentKey(jwe, a.privateJwk)).toEqual(key);
    expect(await unwrapContentKey(jwe, b.privateJwk)).toEqual(key);
    await expect(unwrapContentKey(jwe, outsider.privateJwk)).rejects.toMatchObject({
      code: 'KEY_NOT_RECIPIENT',
    });
    const damaged = { ...jwe, ciphertext: `${jwe.ciphertext.slice(0, -2)}AA` };
    await expect(unwrapContentKey(damaged, a.privateJwk)).rejects.toMatchObject({
      code: 'RECORD_DECRYPT_FAILED',
      context: { reason: 'KEY_UNWRAP_FAILED' },
    });
    await expect(wrapContentKey(key, [a.publicJwk, a.publicJwk])).rejects.toMatchObject({
      code: 'BAD_USAGE',
    });
  });

  it('RFC 7520 §5.13: picks its own ECDH-ES+A256KW entry out of three recipients', async () => {
    const peregrin = {
      kty: 'EC',
      crv: 'P-384',
      x: 'YU4rRUzdmVqmRtWOs2OpDE_T5fsNIodcG8G5FWPrTPMyxpzsSOGaQLpe2FpxBmu2',
      y: 'A8-yxCHxkfBz3hKZfI1jUYMjUhsEveZ9THuwFjH2sCNdtksRJU7D5-SkgaFL1ETP',
      d: 'iTx2pk7wW-GqJkHcEkFQb2EFyYcO7RugmaW3mRrQVAOUiPommT0IdnYK2xDlZh-j',
    };
    const jwe = {
      recipients: [
        {
          encrypted_key:
            'dYOD28kab0Vvf4ODgxVAJXgHcSZICSOp8M51zjwj4w6Y5G4XJQsNNIBiqyvUUAOcpL7S7-cFe7Pio7gV_Q06WmCSa-vhW6me4bWrBf7cHwEQJdXihidAYWVajJIaKMXMvFRMV6iDlRr076DFthg2_AV0_tSiV6xSEIFqt1xnYPpmP91tc5WJDOGb-wqjw0-b-S1laS11QVbuP78dQ7Fa0zAVzzjHX-xvyM2wxj_otxr9clN1LnZMbeYSrRicJK5xodvWgkpIdkMHo4LvdhRRvzoKzlic89jFWPlnBq_V4n5trGuExtp_-dbHcGlihqc_wGgho9fLMK8JOArYLcMDNQ',
          header: { alg: 'RSA1_5', kid: 'frodo.baggins@hobbiton.example' },
        },
        {
          encrypted_key: 'ExInT0io9BqBMYF6-maw5tZlgoZXThD1zWKsHixJuw_elY4gSSId_w',
          header: {
            alg: 'ECDH-ES+A256KW',
            kid: 'peregrin.took@tuckborough.example',
            epk: {
              kty: 'EC',
              crv: 'P-384',
              x: 'Uzdvk3pi5wKCRc1izp5_r0OjeqT-I68i8g2b8mva8diRhsE2xAn2DtMRb25Ma2CX',
              y: 'VDrRyFJh-Kwd1EjAgmj5Eo-CTHAZ53MC7PjjpLioy3ylEjI1pOMbw91fzZ84pbfm',
            },
          },
        },
        {
          encrypted_key: 'a7CclAejo_7JSuPB8zeagxXRam8dwCfmkt9-WyTpS1E',
          header: {
            alg: 'A256GCMKW',
            kid: '18ec08e1-bfa9-4d95-b205-2b4dd1d4321d',
            tag: '59Nqh1LlYtVIhfD3pgRGvw',
            iv: 'AvpeoPZ9Ncn9mkBn',
          },
        },
      ],
      unprotected: { cty: 'text/plain' },
      protected: 'eyJlbmMiOiJBMTI4Q0JDLUhTMjU2In0',
      iv: 'VgEIHY20EnzUtZFl2RpB1g',
      ciphertext:
        'ajm2Q-OpPXCr7-MHXicknb1lsxLdXxK_yLds0KuhJzfWK04SjdxQeSw2L9mu3a_k1C55kCQ_3xlkcVKC5yr__Is48VOoK0k63_QRM9tBURMFqLByJ8vOYQX0oJW4VUHJLmGhF-tVQWB7Kz8mr8zeE7txF0MSaP6ga7-siYxStR7_G07Thd1jh-zGT0wxM5g-VRORtq0K6AXpLlwEqRp7pkt2zRM0ZAXqSpe1O6FJ7FHLDyEFnD-zDIZukLpCbzhzMDLLw2-8I14FQrgi-iEuzHgIJFIJn2wh9Tj0cg_kOZy9BqMRZbmYXMY9YQjorZ_P_JYG3ARAIF3OjDNqpdYe-K_5Q5crGJSDNyij_ygEiItR5jssQVH2ofDQdLChtazE',
      tag: 'BESYyFN7T09KY7i8zKs5_g',
    };
    const key = (await importJWK(peregrin, 'ECDH-ES+A256KW')) as CryptoKey;
    const { plaintext } = await decryptForRecipient(jwe, key, 'peregrin.took@tuckborough.example', {
      keyManagementAlgorithms: ['ECDH-ES+A256KW'],
      contentEncryptionAlgorithms: ['A128CBC-HS256'],
    });
    expect(new TextDecoder().decode(plaintext)).toBe(
      'You can trust us to stick with you through thick and thin–to the bitter end. And you can trust us to keep any secret of yours–closer than you keep it yourself. But you cannot trust us to let you face trouble alone, and go off without a word. We are your friends, Frodo.',
    );
    await expect(
      decryptForRecipient(jwe, key, 'nobody@example', {
        keyManagementAlgorithms: [],
        contentEncryptionAlgorithms: [],
      }),
    ).rejects.toMatchObject({ code: 'KEY_NOT_RECIPIENT' });
  });
});

describe('detached JWS over the manifest', () => {
  it('RFC 7520 §4.3 (ES512) verifies with its payload detached, and fails with other content', async () => {
    const bilbo = {
      kty: 'EC',
      crv: 'P-521',
      x: 'AHKZLLOsCOzz5cY97ewNUajB957y-C-U88c3v13nmGZx6sYl_oJXu9A5RkTKqjqvjyekWF-7ytDyRXYgCF5cj0Kt',
      y: 'AdymlHvOiLxXkEhayXQnNCvDX4h9htZaCJN34kfmC6pV5OhQHiraVySsUdaQkAgDPrwQrJmbnX9cwlGfP-HqHZR1',
    };
    const payload =
      "It’s a dangerous business, Frodo, going out your door. You step onto the road, and if you don't keep your feet, there’s no knowing where you might be swept off to.";
    const detached =
      'eyJhbGciOiJFUzUxMiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9..AE_R_YZCChjn4791jSQCrdPZCNYqHXCTZH0-JZGYNlaAjP2kqaluUIIUnC9qvbu9Plon7KRTzoNEuT4Va2cmL1eJAQy3mtPBu_u_sDDyYjnAMDxXPn7XrT0lw-kvAD890jl8e2puQens_IEKBpHABlsbEPX6sFY8OcGDqoRuBomu9xQ2';
    const key = (await importJWK(bilbo, 'ES512')) as CryptoKey;
    await verifyDetachedCompact(detached, utf8(payload), key, ['ES512']);
    await expect(verifyDetachedCompact(detached, utf8(`${payload}!`), key, ['ES512'])).rejects.toThrow();
    await expect(verifyDetachedCompact(detached, utf8(payload), key, ['ES256'])).rejects.toThrow();
  });

  it('signs and checks; other content, another key and non-canonical base64url are rejected', async () => {
    const device = await generateDeviceKey();
    const other = await generateDeviceKey();
    const content = utf8('{"a":1}');
    const jws = await signManifest(content, device.privateKey, device.publicJwk);
    expect(jws).toMatch(/^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]{86}$/);
    expect(await checkManifestSignature(utf8(jws), content, device.publicJwk)).toEqual({ ok: true });
    expect(await checkManifestSignature(utf8(jws), utf8('{"a":2}'), device.publicJwk)).toMatchObject({
      reason: 'SIGNATURE_INVALID',
    });
    expect(await checkManifestSignature(utf8(jws), content, other.publicJwk)).toMatchObject({
      reason: 'SIGNATURE_INVALID',
    });
    const otherSig = await signManifest(content, other.privateKey, device.publicJwk);
    expect(await checkManifestSignature(utf8(otherSig), content, device.publicJwk)).toMatchObject({
      reason: 'SIGNATURE_INVALID',
    });
    // 86 characters carry 516 bits for 512: the last character has 4 unused bits. Setting one must
    // not give a second valid spelling.
    const last = jws.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1] as string;
    expect(
      await checkManifestSignature(utf8(jws.slice(0, -1) + sibling), content, device.publicJwk),
    ).toMatchObject({
      reason: 'SIGNATURE_MALFORMED',
    });
    expect(await checkManifestSignature(utf8(`${jws}\n`), content, device.publicJwk)).toMatchObject({
      ok: false,
    });
    const attached = jws.replace('..', `.${toBase64Url(content)}.`);
    expect(await checkManifestSignature(utf8(attached), content, device.publicJwk)).toMatchObject({
      reason: 'SIGNATURE_MALFORMED',
    });
  });
});

describe('session tickets', () => {
  it('issue → verify; cnf binds the device key; expiry is checked against now', async () => {
    const lender = await generateKeyPairJwk('ticket-signing');
    const device = await generateDeviceKey();
    const now = Date.UTC(2026, 0, 1);
    const ticket = await issueTicket(
      {
        lenderId: 'L',
        sessionId: 's1',
        scriptId: 'script',
        nonce: 'n',
        deviceKeyThumbprint: device.thumbprint,
        now,
        ttlSeconds: 60,
      },
      lender.privateJwk,
    );
    const claims = await verifyTicket(ticket, [lender.publicJwk], {
      deviceKeyThumbprint: device.thumbprint,
      now: now + 1000,
    });
    expect(claims).toMatchObject({
      iss: 'L',
      sid: 's1',
      script: 'script',
      nonce: 'n',
      cnf: { jkt: device.thumbprint },
    });
    expect(claims.exp - claims.iat).toBe(60);
    await expect(verifyTicket(ticket, [lender.publicJwk], { now: now + 61_000 })).rejects.toMatchObject({
      code: 'TICKET_INVALID',
      context: { reason: 'TICKET_EXPIRED' },
    });
    await expect(
      verifyTicket(ticket, [lender.publicJwk], { deviceKeyThumbprint: 'someone-else', now }),
    ).rejects.toMatchObject({ context: { reason: 'TICKET_KEY_MISMATCH' } });
    const stranger = await generateKeyPairJwk('ticket-signing');
    expect(await checkTicketSignature(ticket, [stranger.publicJwk])).toMatchObject({
      reason: 'TICKET_SIGNATURE_INVALID',
    });
    expect(await checkTicketSignature(ticket, [stranger.publicJwk, lender.publicJwk])).toMatchObject({
      ok: true,
    });
    expect(await checkTicketSignature('not.a.jwt!', [lender.publicJwk])).toMatchObject({
      reason: 'TICKET_MALFORMED',
    });
    await expect(
      issueTicket(
        { lenderId: '', sessionId: 's', scriptId: 's', nonce: 'n', deviceKeyThumbprint: 't' },
        lender.privateJwk,
      ),
    ).rejects.toMatchObject({ code: 'BAD_USAGE' });
  });

  it('exactly the header and claims of §9: an extra aud, an extra header member, a kid that is not the thumbprint → TICKET_MALFORMED', async () => {
    const lender = await generateKeyPairJwk('ticket-signing');
    const key = await importPrivateJwk(lender.privateJwk, 'ticket-signing');
    const kid = await jwkThumbprint(lender.publicJwk);
    const claims = { sid: 's1', script: 'script', nonce: 'n', cnf: { jkt: 'device' } };
    const make = async (
      edit: { header?: Record<string, unknown>; claims?: Record<string, unknown> } = {},
    ): Promise<string> =>
      toLowSCompact(
        await new SignJWT({ ...claims, ...edit.claims })
          .setProtectedHeader({ alg: 'ES256', typ: TICKET_TYP, kid, ...edit.header })
          .setIssuer('L')
          .setIssuedAt(1_800_000_000)
          .setExpirationTime(1_800_000_900)
          .sign(key),
      );
    expect(await checkTicketSignature(await make(), [lender.publicJwk])).toMatchObject({ ok: true });
    for (const [edit, detail] of [
      [{ claims: { aud: 'someone' } }, /claims must be exactly/],
      [{ claims: { cnf: { jkt: 'device', x5t: 'y' } } }, /cnf must be exactly/],
      [{ header: { cty: 'JWT' } }, /header must be exactly/],
      [{ header: { kid: 'not-the-thumbprint' } }, /kid is not the RFC 7638 thumbprint/],
    ] as const) {
      expect(
        await checkTicketSignature(await make(edit), [lender.publicJwk]),
        JSON.stringify(edit),
      ).toMatchObject({
        ok: false,
        reason: 'TICKET_MALFORMED',
        detail: expect.stringMatching(detail),
      });
    }
  });
});
