/** For the report tests: what of a zh-CN report is still English. */

/** Names and unit symbols a Chinese report keeps as they are. */
const NAMES = new Set([
  'dualrec',
  'RFC',
  'SHA',
  'SDK',
  'TSA',
  'GB',
  'ZIP',
  'JSON',
  'OCR',
  'UTC',
  'dB',
  'dBFS',
]);

/**
 * The Latin-script words left in what a reader of the page sees, once set aside: bundle data and
 * the verifier's own detail (shown as <code>), codes beside their word ("眨眼（blink）"),
 * identifiers (file names, media types, ids: anything with a digit, dot, slash, dash, …) and NAMES.
 * `identifiers`: the bundle's own plain-word ids (script segment ids, topics) and applicant data.
 * Anything else is English wording that escaped the catalogue.
 */
export function englishLeft(html: string, identifiers: readonly string[] = []): string[] {
  const title = /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? '';
  const text = `${title} ${html.slice(html.indexOf('<body>'))}`
    .replace(/<script>[\s\S]*?<\/script>/g, ' ')
    .replace(/<code\b[^>]*>[\s\S]*?<\/code>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/（([^（）]*)）/g, (whole, inner: string) => (/^[A-Za-z][\w.:-]*$/.test(inner) ? ' ' : whole));
  return (
    (
      text
        // Media types with parameters ("video/webm;codecs=vp8,opus") are identifiers too.
        .replace(/\b[a-z]+\/[\w.+-]+(;[\w.+-]+=[\w.,+-]+)*/g, ' ')
        .match(/[\w.:/+@-]*[A-Za-z][\w.:/+@-]*/g) ?? []
    ).filter(
      (w) =>
        !/[\d._:/+@-]/.test(w) &&
        // A hex digest (or its start) is an identifier.
        !/^[0-9a-f]{8,}$/.test(w) &&
        !NAMES.has(w) &&
        !identifiers.includes(w),
    )
  );
}
