/**
 * 签发机关: always a county-level public security organ, printed as e.g. `北京市公安局东城分局`,
 * `上海市公安局浦东分局`, `安吉县公安局`. A plausible issuer is Chinese text that names a
 * public security bureau; it cannot be verified against anything on the card (the number keeps the
 * region of first issue, the issuer is where this card was made), so it is never "verified".
 */
const CJK_ONLY = /^[\u4e00-\u9fff]+$/;

export function isPlausibleIssuer(text: string): boolean {
  if (text.length < 5 || text.length > 30 || !CJK_ONLY.test(text)) return false;
  if (!text.includes('公安')) return false;
  return text.endsWith('公安局') || text.endsWith('分局');
}
