/**
 * Background loading of heavy things (models, wasm, workers) while the applicant reads the consent
 * text or photographs their card, so later steps start without a wait. Each resource is loaded
 * once; a step that needs it awaits the same promise and shows its progress.
 */
export interface LoadProgressEvent {
  key: string;
  /** 0–1, or null while the total is unknown. */
  fraction: number | null;
}

type Loader<T> = (report: (fraction: number | null) => void, signal: AbortSignal) => Promise<T>;

interface Entry {
  promise: Promise<unknown>;
  fraction: number | null;
  dispose: ((value: unknown) => void | Promise<void>) | undefined;
}

export class Preloader {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(event: LoadProgressEvent) => void>();
  private readonly abort = new AbortController();

  /** Starts loading `key` unless it already is; returns the shared promise. */
  load<T>(key: string, loader: Loader<T>, dispose?: (value: T) => void | Promise<void>): Promise<T> {
    const existing = this.entries.get(key);
    if (existing) return existing.promise as Promise<T>;
    const entry: Entry = { promise: Promise.resolve(), fraction: 0, dispose: dispose as Entry['dispose'] };
    entry.promise = loader((fraction) => {
      entry.fraction = fraction;
      for (const listener of this.listeners) listener({ key, fraction });
    }, this.abort.signal);
    // A failed background load is reported when a step awaits it; here it must not be unhandled.
    entry.promise.catch(() => this.entries.delete(key));
    this.entries.set(key, entry);
    return entry.promise as Promise<T>;
  }

  /** Progress of one load (1 once loaded). */
  fraction(key: string): number | null {
    return this.entries.get(key)?.fraction ?? null;
  }

  onProgress(listener: (event: LoadProgressEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Disposes of one loaded resource now, when no later step of the session needs it (the card
   * reader after the last card step: its worker and model memory go back to the phone before the
   * camera-heavy steps). A later `load` of the same key starts afresh.
   *
   * @example
   * ```ts
   * await runtime.preload.release('ocr-reader');
   * ```
   */
  async release(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    try {
      await entry.dispose?.(await entry.promise);
    } catch {
      // A failed load holds nothing to dispose of.
    }
  }

  /** Aborts loads in flight and disposes of what was loaded (workers, models). */
  async close(): Promise<void> {
    this.abort.abort();
    const entries = [...this.entries.values()];
    this.entries.clear();
    this.listeners.clear();
    await Promise.all(
      entries.map(async (entry) => {
        try {
          const value = await entry.promise;
          await entry.dispose?.(value);
        } catch {
          // Failed loads hold nothing to dispose of.
        }
      }),
    );
  }
}
