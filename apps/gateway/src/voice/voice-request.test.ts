import { parseVoiceRequest } from './voice-request';
import { longestAudioSeconds, voiceHold } from './voice-pricing';

const WAV_BASE64 = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(2048)]).toString('base64');

describe('parseVoiceRequest', () => {
  it("reads the docs' text_to_audio body with the dialect's tolerant values", () => {
    const parsed = parseVoiceRequest('text_to_audio', {
      prompt: 'Narrative voices capable of pronouncing terminologies.',
      init_audio: 'https://example.com/audio/tom.wav',
      voice_id: 'someone',
      language: 'English',
      speed: '1.5',
      base64: false,
      webhook: null,
      track_id: null,
    });
    expect(parsed).toEqual({
      ok: true,
      value: expect.objectContaining({ kind: 'text_to_audio', initAudio: 'https://example.com/audio/tom.wav', voiceId: 'someone', language: 'english', speed: 1.5, emotion: 'neutral', outputFormat: 'wav', seed: null }),
    });
    const v2v = parseVoiceRequest('voice_to_voice', { init_audio: `data:audio/wav;base64,${WAV_BASE64}`, target_audio: 'https://example.com/t.mp3', output_format: 'MP3' });
    expect(v2v).toEqual({ ok: true, value: expect.objectContaining({ kind: 'voice_to_voice', prompt: '', targetAudio: 'https://example.com/t.mp3', outputFormat: 'mp3', speed: 1 }) });
  });

  it('reports every bad field at once, in the dialect\'s sentences', () => {
    const parsed = parseVoiceRequest('text_to_audio', { prompt: 'x'.repeat(2001), speed: 3, emotion: 'furious', language: 'german', output_format: 'ogg' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual({
      prompt: ['The prompt must not be greater than 2000 characters.'],
      speed: [expect.stringContaining('between 0.5 and 2')],
      emotion: [expect.stringContaining('neutral, happy, sad, angry, dull')],
      output_format: [expect.stringContaining('wav, mp3')],
      init_audio: ['The init audio field is required when voice id is not present.'],
      language: ['The language german is not available: the installed voices speak english.'],
    });
  });

  it('refuses audio that is neither a URL nor base64 audio, and a voice_to_voice without its two voices', () => {
    const notAudio = parseVoiceRequest('text_to_audio', { prompt: 'hi', init_audio: 'ftp://example.com/a.wav' });
    expect(notAudio).toEqual({ ok: false, errors: { init_audio: ['The init audio must be an http(s) URL or base64-encoded WAV or MP3 audio.'] } });
    const missing = parseVoiceRequest('voice_to_voice', {});
    expect(missing).toEqual({ ok: false, errors: { init_audio: ['The init audio field is required.'], target_audio: ['The target audio field is required when voice id is not present.'] } });
    expect(parseVoiceRequest('text_to_speech', {})).toEqual({ ok: false, errors: { prompt: ['The prompt field is required.'] } });
  });
});

describe('voice pricing', () => {
  it('holds the longest audio a request could give: more text or a slower pace holds more, a known recording its length', () => {
    const at = (prompt: string, speed: number) => longestAudioSeconds({ kind: 'text_to_speech', prompt, speed, sourceSeconds: null });
    expect(at('x'.repeat(400), 1)).toBeGreaterThan(at('x'.repeat(100), 1));
    expect(at('x'.repeat(100), 0.5)).toBeGreaterThan(at('x'.repeat(100), 1));
    expect(longestAudioSeconds({ kind: 'voice_to_voice', prompt: '', speed: 1, sourceSeconds: 6.5 })).toBe(6.5);
    expect(longestAudioSeconds({ kind: 'voice_to_voice', prompt: '', speed: 1, sourceSeconds: null })).toBe(30);
    expect(voiceHold(10)).toBeCloseTo(0.02);
  });
});
