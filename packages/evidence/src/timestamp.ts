/**
 * RFC 3161 time-stamp tokens, checked with pkijs so the same code runs in node (CLI, server) and
 * in browsers (the auditor console), where OpenSSL is not available.
 *
 * The lender server stores, beside each bundle, a DER TimeStampToken (CMS SignedData whose
 * content is a TSTInfo) over the bundle's manifest signature. A token proves the signature
 * existed at `genTime` only if all of these hold, and this module checks each one:
 * - the TSTInfo's message imprint is the hash of exactly `signedBytes`;
 * - the CMS signature over the signed attributes is valid with the embedded signer certificate,
 *   and the signed `message-digest` attribute covers the TSTInfo;
 * - the signer certificate is the one the ESS signing-certificate attribute names (RFC 5035), so
 *   a certificate cannot be swapped in after signing;
 * - the signer certificate is a time-stamping certificate (critical extendedKeyUsage with only
 *   id-kp-timeStamping, RFC 3161 §2.3);
 * - when a trusted certificate is given: the signer chains to it, as of `genTime`.
 * Without a trusted certificate the token is only checked to be internally consistent
 * (`trusted: false`): anyone can make such a token with their own key, so callers must say so.
 */
export interface TimestampCheckOptions {
  /**
   * PEM (one or more certificates) of the TSA or its CA. When given, the token is valid only if
   * its signer chains to one of them; when absent, `trusted` is false.
   */
  trustedCertPem?: string;
  /**
   * Accept only a bare DER TimeStampToken with nothing after it (the format a bundle's token is
   * stored in, docs/bundle-format.md §1), not a TimeStampResp around one. verify() sets it.
   */
  tokenOnly?: boolean;
}

export interface TimestampCheck {
  /** True when every check above passed (with `trustedCertPem`: including the chain). */
  valid: boolean;
  /** TSTInfo genTime, ISO 8601, when the token could be read at all. */
  genTime: string | null;
  /** The TSA's name as the token gives it (OpenSSL's `DirName:/O=…/CN=…` form), or the signer's subject. */
  tsaName: string | null;
  /** True when the signer was checked against `trustedCertPem`. */
  trusted: boolean;
  /** Why the token is not valid (English, for logs and reports). */
  reason?: string;
  /**
   * When not valid: `invalid` — unreadable, over other bytes, or its own signature or certificate
   * binding fails (anyone can see it is wrong); `untrusted` — sound, but its signer does not chain
   * to the given trusted certificate (another TSA's token, or an expired certificate).
   */
  failure?: 'invalid' | 'untrusted';
}

/**
 * Checks an RFC 3161 TimeStampToken over `signedBytes` (for dualrec: the bundle's manifest
 * signature file, byte for byte). Never throws for a bad token: the answer says why.
 *
 * pkijs is loaded on first use (a separate chunk for bundlers): it is ~80 KB gzip and cannot
 * be tree-shaken, and pages that import @dualrec/evidence for the capture side (the H5 first
 * screen has an 80 KB budget) never check tokens.
 */
export async function checkTimestampToken(
  tokenDer: Uint8Array,
  signedBytes: Uint8Array,
  options: TimestampCheckOptions = {},
): Promise<TimestampCheck> {
  const { checkTimestampTokenNow } = await import('./timestamp-check.js');
  return checkTimestampTokenNow(tokenDer, signedBytes, options);
}
