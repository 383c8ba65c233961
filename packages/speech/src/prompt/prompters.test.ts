import { describe, expect, it } from 'vitest';
import { FallbackPrompter, pickVoice, SpeechSynthesisPrompter, TextOnlyPrompter } from './prompters.js';

const voice = (lang: string, name: string, localService = true) =>
  ({ lang, name, localService, default: false, voiceURI: name }) as SpeechSynthesisVoice;

describe('pickVoice', () => {
  const voices = [
    voice('en-US', 'en'),
    voice('zh-TW', 'tw'),
    voice('zh-CN', 'cloud', false),
    voice('zh_CN', 'local-cn'),
  ];
  it('prefers the exact tag, on-device, then the same base language', () => {
    expect(pickVoice(voices, 'zh-CN')?.name).toBe('local-cn');
    expect(pickVoice(voices, 'zh-CN', false)?.name).toBe('cloud');
    expect(pickVoice([voice('zh-TW', 'tw')], 'zh-CN')?.name).toBe('tw');
    expect(pickVoice(voices, 'fr')).toBeNull();
  });
});

describe('prompters without a voice (as in headless Chromium and node)', () => {
  const request = (signal = new AbortController().signal) => ({
    text: '请朗读',
    language: 'zh-CN' as const,
    audioUrl: null,
    rate: 1,
    signal,
  });

  it('SpeechSynthesisPrompter says why it could not speak, and never rejects', async () => {
    const p = new SpeechSynthesisPrompter({ synthesis: undefined, Utterance: undefined });
    expect(await p.speak(request())).toMatchObject({
      completed: false,
      reason: 'speechSynthesis is not available',
    });
    p.close();
    expect(p.pendingCount).toBe(0);
  });

  it('FallbackPrompter ends in text-only with every reason', async () => {
    const p = new FallbackPrompter(
      new SpeechSynthesisPrompter({ synthesis: undefined, Utterance: undefined }),
      null,
    );
    expect(await p.speak(request())).toEqual({
      mode: 'text-only',
      completed: true,
      voice: null,
      rate: 1,
      reason: 'speechSynthesis is not available; no audio URL for this prompt',
    });
    expect(await new TextOnlyPrompter().speak(request())).toMatchObject({
      mode: 'text-only',
      reason: 'speech output disabled',
    });
  });
});
