/**
 * The pkijs side of checkTimestampToken (timestamp.ts explains what is checked and why); loaded
 * on demand so that pkijs stays out of bundles that never check a token.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { asBufferSource, bytesEqual } from './bytes.js';
import type { TimestampCheck, TimestampCheckOptions } from './timestamp.js';

const ID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const ID_TST_INFO = '1.2.840.113549.1.9.16.1.4';
const ID_SIGNING_CERTIFICATE = '1.2.840.113549.1.9.16.2.12';
const ID_SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';
const ID_EXT_KEY_USAGE = '2.5.29.37';
const ID_KP_TIME_STAMPING = '1.3.6.1.5.5.7.3.8';
const ID_SHA1 = '1.3.14.3.2.26';

/** Short names OpenSSL prints for the attribute types TSAs use in their names. */
const NAME_KEYS: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

function formatName(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => `/${NAME_KEYS[tv.type] ?? tv.type}=${String(tv.value.valueBlock.value)}`)
    .join('');
}

function formatGeneralName(name: pkijs.GeneralName): string {
  if (name.type === 4 && name.value instanceof pkijs.RelativeDistinguishedNames)
    return `DirName:${formatName(name.value)}`;
  if (typeof name.value === 'string') return name.value;
  return 'unspecified';
}

function pemBlocks(pem: string): Uint8Array[] {
  const blocks: Uint8Array[] = [];
  for (const match of pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)) {
    const base64 = (match[1] ?? '').replace(/\s+/g, '');
    const binary = atob(base64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    blocks.push(bytes);
  }
  return blocks;
}

/**
 * Reads the token: a bare TimeStampToken (what the server stores as `.tsr`) or, leniently, a
 * whole TimeStampResp (what `openssl ts -reply` writes without `-token_out`).
 */
function readSignedData(tokenDer: Uint8Array, tokenOnly: boolean): pkijs.SignedData {
  const buffer = asBufferSource(tokenDer);
  let contentInfo: pkijs.ContentInfo;
  if (tokenOnly) {
    // The stored format (docs/bundle-format.md §1): one bare TimeStampToken, nothing after it.
    const parsed = asn1js.fromBER(buffer);
    if (parsed.offset === -1) throw new Error('not BER/DER');
    if (parsed.offset !== tokenDer.byteLength) throw new Error('bytes after the TimeStampToken');
    contentInfo = pkijs.ContentInfo.fromBER(buffer);
  } else {
    try {
      contentInfo = pkijs.ContentInfo.fromBER(buffer);
    } catch {
      const response = pkijs.TimeStampResp.fromBER(buffer);
      if (
        response.status.status !== pkijs.PKIStatus.granted &&
        response.status.status !== pkijs.PKIStatus.grantedWithMods
      )
        throw new Error(`the TSA did not grant the request (status ${response.status.status})`);
      if (!response.timeStampToken) throw new Error('the time-stamp response holds no token');
      contentInfo = response.timeStampToken;
    }
  }
  if (contentInfo.contentType !== ID_SIGNED_DATA) throw new Error('the token is not CMS SignedData');
  const signed = new pkijs.SignedData({ schema: contentInfo.content });
  if (signed.encapContentInfo.eContentType !== ID_TST_INFO)
    throw new Error('the token does not hold a TSTInfo');
  return signed;
}

/** The certificate hash the ESS signing-certificate attribute binds the signature to (RFC 2634 / 5035). */
function essCertHash(signerInfo: pkijs.SignerInfo): { algorithm: string; hash: Uint8Array } | null {
  for (const attribute of signerInfo.signedAttrs?.attributes ?? []) {
    if (attribute.type !== ID_SIGNING_CERTIFICATE && attribute.type !== ID_SIGNING_CERTIFICATE_V2) continue;
    // SigningCertificate(V2) ::= SEQUENCE { certs SEQUENCE OF ESSCertID(v2), ... }
    const certs = (attribute.values[0] as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
    const first = certs.valueBlock.value[0] as asn1js.Sequence;
    const parts = first.valueBlock.value;
    if (attribute.type === ID_SIGNING_CERTIFICATE) {
      return { algorithm: ID_SHA1, hash: (parts[0] as asn1js.OctetString).valueBlock.valueHexView };
    }
    // ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256, certHash, issuerSerial OPTIONAL }
    if (parts[0] instanceof asn1js.OctetString)
      return { algorithm: '2.16.840.1.101.3.4.2.1', hash: parts[0].valueBlock.valueHexView };
    const algorithm = new pkijs.AlgorithmIdentifier({ schema: parts[0] });
    return {
      algorithm: algorithm.algorithmId,
      hash: (parts[1] as asn1js.OctetString).valueBlock.valueHexView,
    };
  }
  return null;
}

function isTimeStampingCertificate(certificate: pkijs.Certificate): boolean {
  const extension = certificate.extensions?.find((e) => e.extnID === ID_EXT_KEY_USAGE);
  if (!extension?.critical) return false;
  const usage = extension.parsedValue as pkijs.ExtKeyUsage | undefined;
  return !!usage && usage.keyPurposes.length === 1 && usage.keyPurposes[0] === ID_KP_TIME_STAMPING;
}

/** checkTimestampToken's implementation (see timestamp.ts). */
export async function checkTimestampTokenNow(
  tokenDer: Uint8Array,
  signedBytes: Uint8Array,
  options: TimestampCheckOptions = {},
): Promise<TimestampCheck> {
  const trustedDer = options.trustedCertPem ? pemBlocks(options.trustedCertPem) : [];
  const trustedRequested = options.trustedCertPem !== undefined;
  let genTime: string | null = null;
  let tsaName: string | null = null;
  const fail = (reason: string, failure: 'invalid' | 'untrusted' = 'invalid'): TimestampCheck => ({
    valid: false,
    genTime,
    tsaName,
    trusted: false,
    reason,
    failure,
  });
  if (trustedRequested && trustedDer.length === 0)
    return fail('the trusted certificate PEM holds no certificate', 'untrusted');

  let signed: pkijs.SignedData;
  let tstInfo: pkijs.TSTInfo;
  try {
    signed = readSignedData(tokenDer, options.tokenOnly === true);
    const content = signed.encapContentInfo.eContent;
    if (!content) throw new Error('the TSTInfo is empty');
    tstInfo = pkijs.TSTInfo.fromBER(content.getValue());
  } catch (error) {
    return fail(`the token cannot be read: ${(error as Error).message}`);
  }
  genTime = tstInfo.genTime.toISOString();
  const signerInfo = signed.signerInfos[0];
  if (!signerInfo || signed.signerInfos.length !== 1) return fail('the token must have exactly one signer');

  // Which certificate signed: pkijs finds it the same way inside verify(); found here too so
  // the name and the ESS binding can be checked and reported.
  const certificates = (signed.certificates ?? []).filter(
    (c): c is pkijs.Certificate => c instanceof pkijs.Certificate,
  );
  let signer: pkijs.Certificate | undefined;
  if (signerInfo.sid instanceof pkijs.IssuerAndSerialNumber) {
    const sid = signerInfo.sid;
    signer = certificates.find(
      (c) => c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber),
    );
  } else {
    for (const certificate of certificates) {
      const keyId = new Uint8Array(
        await crypto.subtle.digest(
          'SHA-1',
          asBufferSource(certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView),
        ),
      );
      const sid = signerInfo.sid as asn1js.Primitive;
      if (bytesEqual(keyId, new Uint8Array(sid.valueBlock.valueHexView))) signer = certificate;
    }
  }
  // A TSA may leave its certificate out of the token (certReq false); then only a trusted
  // certificate given by the caller can stand in for it.
  if (!signer && trustedDer.length > 0) {
    const trusted = trustedDer.map((der) => pkijs.Certificate.fromBER(asBufferSource(der)));
    signer = trusted.find((c) =>
      signerInfo.sid instanceof pkijs.IssuerAndSerialNumber
        ? c.issuer.isEqual(signerInfo.sid.issuer) && c.serialNumber.isEqual(signerInfo.sid.serialNumber)
        : false,
    );
    if (signer) signed.certificates = [...(signed.certificates ?? []), signer];
  }
  tsaName = tstInfo.tsa ? formatGeneralName(tstInfo.tsa) : signer ? formatName(signer.subject) : null;
  if (!signer) return fail('the token does not carry the certificate that signed it');

  const imprintAlgorithm = pkijs
    .getCrypto(true)
    .getAlgorithmByOID(tstInfo.messageImprint.hashAlgorithm.algorithmId);
  if (!('name' in imprintAlgorithm)) return fail('the message imprint uses an unknown hash algorithm');
  const imprint = new Uint8Array(
    await crypto.subtle.digest(imprintAlgorithm.name, asBufferSource(signedBytes)),
  );
  if (!bytesEqual(imprint, tstInfo.messageImprint.hashedMessage.valueBlock.valueHexView))
    return fail('the token is over other bytes (message imprint does not match)');

  const ess = essCertHash(signerInfo);
  if (!ess) return fail('the token has no ESS signing-certificate attribute');
  const essAlgorithm = pkijs.getCrypto(true).getAlgorithmByOID(ess.algorithm);
  if (!('name' in essAlgorithm)) return fail('the ESS certificate hash uses an unknown algorithm');
  const certHash = new Uint8Array(
    await crypto.subtle.digest(essAlgorithm.name, asBufferSource(new Uint8Array(signer.toSchema().toBER()))),
  );
  if (!bytesEqual(certHash, ess.hash))
    return fail('the signer certificate is not the one the signature names (ESS)');
  if (!isTimeStampingCertificate(signer))
    return fail(
      'the signer certificate is not a time-stamping certificate (critical extendedKeyUsage timeStamping)',
    );

  // The signature first, without the chain, so a forged or damaged token is reported as such
  // rather than as an untrusted certificate.
  let signatureOk: boolean;
  try {
    const result = await signed.verify({
      signer: 0,
      data: asBufferSource(signedBytes).slice().buffer,
      checkChain: false,
      extendedMode: true,
    });
    signatureOk = result.signatureVerified === true;
  } catch (error) {
    const message = error instanceof pkijs.SignedDataVerifyError ? error.message : String(error);
    return fail(`the token's signature does not verify: ${message}`);
  }
  if (!signatureOk) return fail("the token's signature does not verify");

  if (trustedDer.length > 0) {
    const trustedCerts = trustedDer.map((der) => pkijs.Certificate.fromBER(asBufferSource(der)));
    const signerDer = new Uint8Array(signer.toSchema().toBER());
    const when = tstInfo.genTime;
    if (trustedDer.some((der) => bytesEqual(der, signerDer))) {
      // Trusted directly (a self-signed TSA, as `openssl ts -verify -CAfile tsa.crt` accepts):
      // pkijs' chain engine wants a CA above an end-entity certificate, so only the validity
      // period at genTime is left to check.
      if (when < signer.notBefore.value || when > signer.notAfter.value)
        return fail('the TSA certificate was not valid at genTime', 'untrusted');
    } else {
      const engine = new pkijs.CertificateChainValidationEngine({
        certs: [...certificates.filter((c) => c !== signer), signer],
        trustedCerts,
        checkDate: when,
      });
      let chain: pkijs.CertificateChainValidationEngineVerifyResult;
      try {
        chain = await engine.verify();
      } catch (error) {
        const message = (error as { resultMessage?: string }).resultMessage ?? String(error);
        return fail(`the TSA certificate is not trusted: ${message}`, 'untrusted');
      }
      if (!chain.result)
        return fail(`the TSA certificate is not trusted: ${chain.resultMessage}`, 'untrusted');
    }
  }
  return { valid: true, genTime, tsaName, trusted: trustedDer.length > 0 };
}
