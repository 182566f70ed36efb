import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { concatAudio, decodeAudio, durationSeconds, encodeWav, FliteSynthesizer, speakSpeaker, type Speaker, type SpeechAudio } from '@easel/engine-voice';
import { judgeClone, loadSpeakerJudge, medianF0, voiceHeldOut, VOICE_TARGETS, type CloneVerdict } from '@easel/testing';
import { createTenant, followToEnd, post, REPO_ROOT, serveFiles, startTestEasel, zipModelDir } from './helpers';

/**
 * The voice family through the HTTP API on embedded Easel: text_to_speech and text_to_audio in the
 * docs' shapes, WAV and MP3 files and their lengths, seeds, speed, stored voices per tenant, a
 * Piper-format voice loaded through the model store, credits by the second, and the 422s that
 * name the field before anything is charged.
 */
/** Held-out speakers (heldout_voice.json) cloned through the API: kal (a voice never in training) and two unseen (F0, alpha) mixes. */
const CLONED = [0, 2, 6];
/** The flite speaker text_to_audio converts from: the one the judge compares the clone with. */
const CLONE_SOURCE = (): Speaker =>
  (JSON.parse(readFileSync(join(REPO_ROOT, 'models', 'easel-tiny-voice', 'config.json'), 'utf8')) as { default_source: Speaker }).default_source;

describe('voice through the API (text_to_speech, text_to_audio, voice_to_voice, stored voices)', () => {
  let ctx: Awaited<ReturnType<typeof startTestEasel>>;
  let url: string;
  let key: string;
  let files: Awaited<ReturnType<typeof serveFiles>>;
  const flite = new FliteSynthesizer();
  const api = (path: string, body: Record<string, unknown>, withKey = key) => post(`${url}${path}`, { key: withKey, ...body });
  const settled = async (r: Awaited<ReturnType<typeof post>>, withKey = key) => followToEnd(r, withKey);
  const download = async (link: string) => {
    const r = await fetch(link);
    return { type: r.headers.get('content-type'), body: Buffer.from(await r.arrayBuffer()) };
  };
  const seconds = async (link: string) => durationSeconds(await decodeAudio((await download(link)).body));
  const base64Wav = (audio: SpeechAudio) => `data:audio/wav;base64,${encodeWav(audio).toString('base64')}`;
  /** A five-second reference in a voice of Flite's (a stand-in for a client's recording). */
  const reference = (voice: string) => flite.synthesize('The quiet harbour opened at dawn, and seven small boats drifted out past the lighthouse.', { voice });

  beforeAll(async () => {
    files = await serveFiles({ '/piper.zip': await zipModelDir(join(REPO_ROOT, 'models', 'piper-random')) });
    ctx = await startTestEasel({ EASEL_WORKER_CONCURRENCY: '1', EASEL_ORT_THREADS: '2', EASEL_FETCH_ALLOW_HOSTS: '127.0.0.1' });
    url = ctx.easel.url;
    key = ctx.key;
  }, 60_000);
  afterAll(async () => {
    await ctx?.close();
    await files?.close();
  });

  it('speaks the docs-shaped text_to_speech as a 16 kHz mono WAV whose length the answer states, and charges its seconds', async () => {
    const own = await createTenant(url, key, 'narrator', '1');
    const r = await settled(await api('/api/v6/voice/text_to_speech', { prompt: 'Hello from Easel. This voice runs on your own machine.', voice_id: 'slt', language: 'english', speed: 1, emotion: 'neutral', temp: false, webhook: null, track_id: 'tts-1' }, own.key), own.key);
    expect(r.body).toMatchObject({ status: 'success', track_id: 'tts-1', meta: { voice: 'slt', voice_id: 'slt', language: 'english', output_format: 'wav', model_id: null } });
    expect(r.body.links).toEqual(r.body.output);
    const file = await download(r.body.output[0]);
    expect(file.type).toBe('audio/wav');
    expect(file.body.toString('latin1', 0, 4)).toBe('RIFF');
    expect(file.body.toString('latin1', 8, 12)).toBe('WAVE');
    expect(file.body.readUInt16LE(22)).toBe(1); // mono
    expect(file.body.readUInt32LE(24)).toBe(16_000);
    const audio = await decodeAudio(file.body);
    expect(durationSeconds(audio)).toBeCloseTo(r.body.audio_time, 2);
    expect(r.body.audio_time).toBeGreaterThan(2);
    expect(r.body.audio_time).toBeLessThan(6);
    // 0.002 credit a second, captured for the seconds made (the hold for the longest it could be was released).
    expect(Number(await own.balance())).toBeCloseTo(1 - r.body.audio_time * 0.002, 2);
  });

  it('gives the same bytes for the same request, MP3 when asked, and speed 1.5 in about two thirds of the time', async () => {
    const body = { prompt: 'Seven bright lanterns hung above the market square.', voice_id: 'awb', seed: 11 };
    const [a, b, mp3, fast] = await Promise.all([
      settled(await api('/api/v6/voice/text_to_speech', body)),
      settled(await api('/api/v6/voice/text_to_speech', { ...body, track_id: 'again' })),
      settled(await api('/api/v6/voice/text_to_speech', { ...body, output_format: 'mp3' })),
      settled(await api('/api/v6/voice/text_to_speech', { ...body, speed: '1.5' })),
    ]);
    for (const r of [a, b, mp3, fast]) expect(r.body.status).toBe('success');
    expect((await download(a.body.output[0])).body.equals((await download(b.body.output[0])).body)).toBe(true);
    const mpeg = await download(mp3.body.output[0]);
    expect(mpeg.type).toBe('audio/mpeg');
    expect(mp3.body.output[0]).toMatch(/\.mp3$/);
    expect(mpeg.body[0] === 0xff || mpeg.body.toString('latin1', 0, 3) === 'ID3').toBe(true);
    expect(await seconds(mp3.body.output[0])).toBeCloseTo(a.body.audio_time, 1);
    const ratio = fast.body.audio_time / a.body.audio_time;
    expect(ratio).toBeGreaterThan(0.58);
    expect(ratio).toBeLessThan(0.76);
  });

  it('refuses bad input with the dialect\'s 422 naming each field, before any credit is held', async () => {
    const own = await createTenant(url, key, 'careless', '1');
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a4d7c5a70000000049454e44ae426082', 'hex');
    const short = await flite.synthesize('Too short.', { voice: 'rms' });
    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ['text_to_speech', { prompt: 'x'.repeat(2001) }, 'prompt', /must not be greater than 2000 characters/],
      ['text_to_speech', { prompt: 'Hallo', language: 'german' }, 'language', /not available/],
      ['text_to_speech', { prompt: 'Hello', voice_id: 'nobody' }, 'voice_id', /selected voice id is invalid/],
      ['text_to_audio', { prompt: 'Hello', init_audio: Buffer.concat([png, Buffer.alloc(2048)]).toString('base64') }, 'init_audio', /is not WAV or MP3 audio/],
      ['text_to_audio', { prompt: 'Hello', init_audio: base64Wav(short) }, 'init_audio', /must be from 4 to 30 seconds long; it is 0\.\d seconds/],
      ['text_to_audio', { prompt: 'Hello', init_audio: 'http://169.254.169.254/latest/voice.wav' }, 'init_audio', /private address/],
      ['voice_to_voice', { init_audio: 'http://localhost/speech.wav', target_audio: 'https://example.com/v.wav' }, 'init_audio', /private address/],
    ];
    for (const [kind, body, field, message] of cases) {
      const r = await api(`/api/v6/voice/${kind}`, body, own.key);
      expect({ kind, status: r.status, body: r.body }).toEqual({ kind, status: 422, body: { status: 'error', message: { [field]: [expect.stringMatching(message)] } } });
    }
    expect(await own.balance()).toBe('1.000');
  });

  it("keeps stored voices to their tenant: uploaded, listed and usable by voice_id there, invisible and unusable elsewhere, then deleted", async () => {
    const [owner, stranger] = [await createTenant(url, key, 'studio', '1'), await createTenant(url, key, 'stranger', '1')];
    const ref = await reference('kal16');
    const up = await api('/api/v6/voice/voices/upload', { voice_id: 'deep-narrator', name: 'Deep narrator', init_audio: base64Wav(ref) }, owner.key);
    expect(up).toMatchObject({ status: 201, body: { status: 'success', voice_id: 'deep-narrator', name: 'Deep narrator' } });
    expect(up.body.seconds).toBeCloseTo(durationSeconds(ref), 1);
    expect((await api('/api/v6/voice/voices/upload', { voice_id: 'deep-narrator', init_audio: base64Wav(ref) }, owner.key)).body).toEqual({ status: 'error', message: { voice_id: ['The voice id has already been taken.'] } });
    expect((await api('/api/v6/voice/voices/list', {}, owner.key)).body).toMatchObject({ status: 'success', voices: [{ voice_id: 'deep-narrator' }], built_in: ['slt', 'rms', 'awb', 'kal16', 'kal'] });
    expect((await api('/api/v6/voice/voices/list', {}, stranger.key)).body.voices).toEqual([]);
    expect((await api('/api/v6/voice/text_to_speech', { prompt: 'Hello', voice_id: 'deep-narrator' }, stranger.key)).body.message).toEqual({ voice_id: [expect.stringMatching(/selected voice id is invalid/)] });
    expect(await api('/api/v6/voice/voices/delete', { voice_id: 'deep-narrator' }, stranger.key)).toMatchObject({ status: 404, body: { status: 'error', message: 'Voice not found' } });
    expect((await api('/api/v6/voice/voices/delete', { voice_id: 'deep-narrator' }, owner.key)).body).toEqual({ status: 'success', message: 'Voice deleted', voice_id: 'deep-narrator' });
    expect((await api('/api/v6/voice/voices/list', {}, owner.key)).body.voices).toEqual([]);
  });

  it('loads a Piper-format voice through the model store and speaks with it (random weights: the length follows the text)', async () => {
    const load = await api('/api/v3/load_model', { url: `${files.base}/piper.zip`, model_id: 'piper-test', model_category: 'voice', model_format: 'onnx' });
    expect(load.body.status).not.toBe('error');
    for (let i = 0; i < 100; i++) {
      const listed = ((await api('/api/v4/dreambooth/model_list', {})).body as unknown as Array<Record<string, string>>).find((m) => m.model_id === 'piper-test');
      if (listed?.status === 'ready') break;
      expect(listed?.status).not.toBe('failed');
      await new Promise((r) => setTimeout(r, 100));
    }
    const [short, long] = await Promise.all([
      settled(await api('/api/v6/voice/text_to_speech', { prompt: 'A short one.', voice_id: 'piper-test' })),
      settled(await api('/api/v6/voice/text_to_speech', { prompt: 'A much longer sentence, with many more words in it, takes this voice far longer to say.', voice_id: 'piper-test' })),
    ]);
    expect(short.body).toMatchObject({ status: 'success', meta: { voice: 'piper-test' } });
    expect(long.body.audio_time / short.body.audio_time).toBeGreaterThan(2);
  });

  it('clones held-out voices from a 5-second reference: text_to_audio, a stored voice and voice_to_voice sound like the reference, at its pitch', async () => {
    const held = voiceHeldOut();
    const judge = await loadSpeakerJudge();
    const fiveSeconds = async (speaker: (typeof held.speakers)[number]) => {
      const parts = await Promise.all(held.reference_sentences.map((t) => speakSpeaker(t, speaker)));
      const all = concatAudio(parts, 0);
      return { samples: all.samples.subarray(0, 5 * all.sampleRate), sampleRate: all.sampleRate };
    };
    const verdicts: Array<CloneVerdict & { how: string }> = [];
    const sentence = held.test_sentences[0]!;
    for (const speaker of CLONED.map((i) => held.speakers[i]!)) {
      const reference = await fiveSeconds(speaker);
      const r = await settled(await api('/api/v6/voice/text_to_audio', { prompt: sentence, init_audio: base64Wav(reference), language: 'english', speed: 1, seed: 3 }));
      expect(r.body).toMatchObject({ status: 'success', meta: { model_id: 'easel-tiny-voice', init_audio: null } });
      const output = await decodeAudio((await download(r.body.output[0])).body);
      const source = await speakSpeaker(held.test_sentences[1]!, CLONE_SOURCE());
      const sourceSameText = await speakSpeaker(sentence, CLONE_SOURCE());
      verdicts.push({ how: `text_to_audio ${speaker.voice}`, ...(await judgeClone(judge, { output, reference, source, sourceSameText })) });
    }
    // A stored voice clones as its reference does; voice_to_voice re-speaks a recording in it.
    const stored = held.speakers[CLONED[0]!]!;
    const reference = await fiveSeconds(stored);
    await api('/api/v6/voice/voices/upload', { voice_id: 'held-out', init_audio: base64Wav(reference) });
    const recording = await speakSpeaker(sentence, { voice: 'rms', alpha: 1 });
    const v2v = await settled(await api('/api/v6/voice/voice_to_voice', { init_audio: base64Wav(recording), voice_id: 'held-out', output_format: 'wav' }));
    expect(v2v.body.status).toBe('success');
    expect(v2v.body.audio_time).toBeCloseTo(durationSeconds(recording), 1);
    const converted = await decodeAudio((await download(v2v.body.output[0])).body);
    verdicts.push({ how: 'voice_to_voice', ...(await judgeClone(judge, { output: converted, reference, source: await speakSpeaker(held.test_sentences[1]!, { voice: 'rms', alpha: 1 }), sourceSameText: recording })) });
    await judge.release();
    for (const v of verdicts) console.log(`voice e2e ${v.how}: ${v.closerToReference ? 'closer' : 'FARTHER'} ${v.simReference.toFixed(2)}/${v.simSource.toFixed(2)}, F0 ×${v.f0Ratio.toFixed(2)}, MFCC-DTW ${v.mfccDtw.toFixed(1)}`);
    // issue 24's bar (80 %): with four clones, every one
    expect(verdicts.filter((v) => v.closerToReference).length / verdicts.length).toBeGreaterThanOrEqual(VOICE_TARGETS.closerShare);
    expect(verdicts.filter((v) => v.f0Within).length / verdicts.length).toBeGreaterThanOrEqual(VOICE_TARGETS.closerShare);
    expect(medianF0(converted)).toBeGreaterThan(0);
  });
});
