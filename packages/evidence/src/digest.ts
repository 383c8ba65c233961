/**
 * Hashes. WebCrypto only offers one-shot SHA-256, so a file of any size is hashed as a list of
 * blocks (the "content hash" construction Dropbox publishes): SHA-256 over the concatenation of the
 * SHA-256 of each consecutive 4 MiB block. That keeps memory at one block while using the native
 * (hardware-accelerated) SHA-256, and any language can recompute it in a few lines.
 */
import { asBufferSource, concatBytes, toHex, utf8 } from './bytes.js';

export const CONTENT_HASH_BLOCK_SIZE = 4 * 1024 * 1024;

export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', asBufferSource(bytes)));
}

export async function sha256Hex(bytes: Uint8Array | string): Promise<string> {
  return toHex(await sha256(typeof bytes === 'string' ? utf8(bytes) : bytes));
}

/** Incremental content hash: push bytes in any chunking, then `digest()`. */
export class ContentHasher {
  private readonly block = new Uint8Array(CONTENT_HASH_BLOCK_SIZE);
  private filled = 0;
  private readonly blockDigests: Uint8Array[] = [];
  private total = 0;
  private done = false;

  get size(): number {
    return this.total;
  }

  async update(chunk: Uint8Array): Promise<void> {
    if (this.done) throw new Error('ContentHasher.update after digest');
    this.total += chunk.length;
    let offset = 0;
    // Whole blocks straight from the caller's buffer avoid a copy on the hot path.
    if (this.filled === 0) {
      while (chunk.length - offset >= CONTENT_HASH_BLOCK_SIZE) {
        this.blockDigests.push(await sha256(chunk.subarray(offset, offset + CONTENT_HASH_BLOCK_SIZE)));
        offset += CONTENT_HASH_BLOCK_SIZE;
      }
    }
    while (offset < chunk.length) {
      const take = Math.min(CONTENT_HASH_BLOCK_SIZE - this.filled, chunk.length - offset);
      this.block.set(chunk.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === CONTENT_HASH_BLOCK_SIZE) {
        this.blockDigests.push(await sha256(this.block));
        this.filled = 0;
      }
    }
  }

  async digest(): Promise<string> {
    if (this.done) throw new Error('ContentHasher.digest called twice');
    this.done = true;
    if (this.filled > 0) this.blockDigests.push(await sha256(this.block.subarray(0, this.filled)));
    return toHex(await sha256(concatBytes(this.blockDigests)));
  }
}

export async function contentHash(bytes: Uint8Array): Promise<string> {
  const hasher = new ContentHasher();
  await hasher.update(bytes);
  return hasher.digest();
}
