/**
 * Scores a recognised answer against a question's accepted and rejected phrases.
 *
 * A closed-grammar recogniser always "hears" something, and a negation contains the phrase it
 * negates (不同意 contains 同意; "no I do not" contains "I do"), so: phrases are matched on
 * normalised text (whole tokens for English), a match inside a longer match of the other list
 * does not count, an answer that says both is `unclear`, and nothing matched is `unclear`. Only
 * an unambiguous accept passes; `unclear` is never taken as consent.
 */
import { normalizeText } from './normalize.js';
import type { SpeechLanguage } from './numbers.js';

export type AnswerDecision = 'accept' | 'reject' | 'unclear';

export interface AnswerMatch {
  decision: AnswerDecision;
  /** The phrase that decided it (as written in the script), or null. */
  phrase: string | null;
  /** The normalised transcript that was matched. */
  heard: string;
}

interface Span {
  start: number;
  end: number;
  phrase: string;
}

function occurrences(haystack: string, needle: string, language: SpeechLanguage, phrase: string): Span[] {
  if (!needle) return [];
  const spans: Span[] = [];
  // English matches whole words: pad with spaces so "no" does not match inside "know".
  const h = language === 'en' ? ` ${haystack} ` : haystack;
  const n = language === 'en' ? ` ${needle} ` : needle;
  let from = 0;
  for (;;) {
    const at = h.indexOf(n, from);
    if (at < 0) break;
    spans.push({ start: at, end: at + n.length, phrase });
    from = at + 1;
  }
  return spans;
}

export function matchAnswer(
  transcript: string,
  accept: readonly string[],
  reject: readonly string[],
  language: SpeechLanguage,
): AnswerMatch {
  const heard = normalizeText(transcript, language);
  const find = (phrases: readonly string[]) =>
    phrases.flatMap((p) => occurrences(heard, normalizeText(p, language), language, p));
  const accepts = find(accept);
  const rejects = find(reject);
  const inside = (a: Span, others: Span[]) =>
    others.some((o) => o.start <= a.start && o.end >= a.end && o.end - o.start > a.end - a.start);
  const realAccepts = accepts.filter((a) => !inside(a, rejects));
  const realRejects = rejects.filter((r) => !inside(r, accepts));
  const longest = (spans: Span[]) => spans.reduce((a, b) => (b.end - b.start > a.end - a.start ? b : a));
  if (realAccepts.length > 0 && realRejects.length > 0) return { decision: 'unclear', phrase: null, heard };
  if (realRejects.length > 0) return { decision: 'reject', phrase: longest(realRejects).phrase, heard };
  if (realAccepts.length > 0) return { decision: 'accept', phrase: longest(realAccepts).phrase, heard };
  return { decision: 'unclear', phrase: null, heard };
}
