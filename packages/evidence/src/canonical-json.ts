/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * The manifest and every event line are stored in this form so that a verifier in any language
 * can recompute the exact bytes that were hashed and signed. ECMAScript's own number and string
 * serialisation is what RFC 8785 specifies (§3.2.2.2, §3.2.2.3), so JSON.stringify does the leaf
 * work; this module adds key sorting by UTF-16 code units and rejects what JCS forbids.
 */
import { decodeUtf8Strict, utf8 } from './bytes.js';

/** A JSON value as JCS accepts it (I-JSON: finite numbers, well-formed strings). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export class CanonicalJsonError extends Error {
  override readonly name = 'CanonicalJsonError';
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function serializeString(value: string): string {
  // I-JSON (RFC 7493 §2.1) forbids unpaired surrogates; they cannot be encoded as UTF-8 either.
  if (LONE_SURROGATE.test(value)) throw new CanonicalJsonError('string contains an unpaired surrogate');
  return JSON.stringify(value);
}

function serialize(value: unknown, depth: number): string {
  if (depth > 64) throw new CanonicalJsonError('nesting deeper than 64 levels');
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(`number ${value} is not allowed in JSON`);
      return JSON.stringify(value);
    case 'string':
      return serializeString(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item) => serialize(item, depth + 1)).join(',')}]`;
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new CanonicalJsonError('only plain objects, arrays and primitives can be canonicalised');
      }
      // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 requires.
      const keys = Object.keys(value).sort();
      const members: string[] = [];
      for (const key of keys) {
        const member = (value as Record<string, unknown>)[key];
        if (member === undefined) throw new CanonicalJsonError(`property "${key}" is undefined`);
        members.push(`${serializeString(key)}:${serialize(member, depth + 1)}`);
      }
      return `{${members.join(',')}}`;
    }
    default:
      throw new CanonicalJsonError(`a ${typeof value} cannot be represented in JSON`);
  }
}

/** The canonical text of `value`; throws CanonicalJsonError for values JCS cannot represent. */
export function canonicalize(value: unknown): string {
  return serialize(value, 0);
}

export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalize(value));
}

export type CanonicalParseResult =
  | { ok: true; value: JsonValue; text: string }
  | { ok: false; problem: 'utf8' | 'json' | 'not-canonical'; detail: string };

/**
 * Parses bytes that must already be canonical. Anything else (invalid UTF-8, invalid JSON,
 * duplicate keys, insignificant whitespace, other number spellings) is reported, because two
 * different byte strings for the same value would let a bundle change without its hash changing
 * meaning.
 */
export function parseCanonical(bytes: Uint8Array): CanonicalParseResult {
  const text = decodeUtf8Strict(bytes);
  if (text === null) return { ok: false, problem: 'utf8', detail: 'not valid UTF-8' };
  if (text.charCodeAt(0) === 0xfeff)
    return { ok: false, problem: 'not-canonical', detail: 'starts with a BOM' };
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch (error) {
    return { ok: false, problem: 'json', detail: (error as Error).message };
  }
  let again: string;
  try {
    again = canonicalize(value);
  } catch (error) {
    return { ok: false, problem: 'not-canonical', detail: (error as Error).message };
  }
  if (again !== text) {
    return {
      ok: false,
      problem: 'not-canonical',
      detail: 'bytes differ from the RFC 8785 form of their value',
    };
  }
  return { ok: true, value, text };
}
