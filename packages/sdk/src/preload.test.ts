import { describe, expect, it } from 'vitest';
import { Preloader } from './preload.js';

describe('Preloader', () => {
  it('loads each key once and shares the promise', async () => {
    const preload = new Preloader();
    let loads = 0;
    const loader = async () => ++loads;
    const [a, b] = await Promise.all([preload.load('k', loader), preload.load('k', loader)]);
    expect([a, b, loads]).toEqual([1, 1, 1]);
    await preload.close();
  });

  it('release disposes of one resource now; a later load starts afresh', async () => {
    const preload = new Preloader();
    const disposed: number[] = [];
    let loads = 0;
    const load = () =>
      preload.load(
        'reader',
        async () => ++loads,
        (value) => {
          disposed.push(value);
        },
      );
    expect(await load()).toBe(1);
    await preload.release('reader');
    expect(disposed).toEqual([1]);
    expect(preload.fraction('reader')).toBeNull();
    expect(await load()).toBe(2);
    // close() disposes of what is still held, not the released one again.
    await preload.close();
    expect(disposed).toEqual([1, 2]);
  });

  it('release of an unknown key or a failed load does nothing', async () => {
    const preload = new Preloader();
    await preload.release('never-loaded');
    const failing = preload.load('broken', async () => {
      throw new Error('no model');
    });
    await expect(failing).rejects.toThrow('no model');
    await preload.release('broken');
    await preload.close();
  });
});
