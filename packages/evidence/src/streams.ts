/** Stream plumbing: the format code works on async iterables of bytes, which node streams, web
 * ReadableStreams (via `fromReadableStream`) and generators all provide. */

/** Where the bundle writer sends bytes; awaiting `write` is the backpressure. */
export interface ByteSink {
  write(chunk: Uint8Array): Promise<void> | void;
}

export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** Async iteration over a web ReadableStream, for browsers whose streams are not async iterable. */
export async function* fromReadableStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Collects a (small) stream into one buffer. Never use it on media. */
export async function collectBytes(
  source: ByteSource,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const part of source) {
    length += part.length;
    if (length > maxBytes) throw new RangeError(`more than ${maxBytes} bytes`);
    parts.push(part);
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A sink that keeps everything in memory (tests, small bundles in the browser). */
export class MemorySink implements ByteSink {
  private readonly parts: Uint8Array[] = [];
  write(chunk: Uint8Array): void {
    this.parts.push(chunk.slice());
  }
  bytes(): Promise<Uint8Array> {
    return collectBytes(this.parts);
  }
}
