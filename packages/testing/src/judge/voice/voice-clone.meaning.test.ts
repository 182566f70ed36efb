/**
 * @jest-environment ../engine-diffusion/jest.environment.js
 */
// (ORT's typed arrays must be the host realm's inside Jest's sandbox: the engine's test environment.)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  loadVoiceCloner,
  speakSpeaker,
  speakerName,
  type SpeechAudio,
  type VoiceCloner,
} from '@easel/engine-voice';
import { judgeClone, summariseClones, ttsVariationBound, VOICE_TARGETS, type CloneVerdict } from './judge-clone';
import { voiceHeldOut } from './held-out';
import { loadSpeakerJudge, VOICE_JUDGE_DIR, type SpeakerJudge } from './speaker-judge';

/**
 * Does easel-tiny-voice clone held-out voices? Each held-out speaker's 5 s reference is embedded,
 * the sources say three held-out sentences, each is converted, and the judge (another network)
 * rates every output; the figures are printed ("voice held-out ...", which train.py's held-out
 * check prints) and issue 24's targets asserted. VOICE_MODEL_DIR / VOICE_JUDGE_DIR point it at a
 * training run's export instead of the committed ones; VOICE_HELDOUT_FILE at another held-out set
 * (models/training/voice/confirm_voice.json, with VOICE_HELDOUT_SENTENCES=3).
 */
const MODEL =
  process.env['VOICE_MODEL_DIR'] ??
  join(__dirname, '..', '..', '..', '..', '..', 'models', 'easel-tiny-voice');
const JUDGE = process.env['VOICE_JUDGE_DIR'] ?? VOICE_JUDGE_DIR;
// One sentence per (speaker, source) pair keeps CI's share small (20 pairs); 3 or more for the training check's figures.
const SENTENCES = Number(process.env['VOICE_HELDOUT_SENTENCES'] ?? 1);
const REFERENCE_SECONDS = 5;

const present = existsSync(join(MODEL, 'converter', 'model.onnx')) && existsSync(join(JUDGE, 'model.onnx'));

function concat(parts: SpeechAudio[], seconds: number): SpeechAudio {
  const rate = parts[0]!.sampleRate;
  const all = new Float32Array(parts.reduce((n, p) => n + p.samples.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p.samples, at);
    at += p.samples.length;
  }
  return { samples: all.subarray(0, Math.min(all.length, Math.round(seconds * rate))), sampleRate: rate };
}

(present ? describe : describe.skip)('easel-tiny-voice clones held-out voices (issue 24 judge)', () => {
  let cloner: VoiceCloner;
  let judge: SpeakerJudge;
  beforeAll(async () => {
    cloner = await loadVoiceCloner(MODEL, { intraOpNumThreads: 1 });
    judge = await loadSpeakerJudge(JUDGE);
  });
  afterAll(async () => {
    await cloner?.release();
    await judge?.release();
  });

  it('outputs sound like the reference, keep its F0 and the words', async () => {
    const held = voiceHeldOut(process.env['VOICE_HELDOUT_FILE']);
    const sentences = held.test_sentences.slice(0, SENTENCES);
    const verdicts: CloneVerdict[] = [];
    const renditions: SpeechAudio[][] = sentences.map(() => []);
    const sourceSpeech = await Promise.all(
      held.sources.map((s) => Promise.all(sentences.map((t) => speakSpeaker(t, s)))),
    );
    sourceSpeech.forEach((said) => said.forEach((a, k) => renditions[k]!.push(a)));
    for (const speaker of held.speakers) {
      const reference = concat(
        await Promise.all(held.reference_sentences.map((t) => speakSpeaker(t, speaker))),
        REFERENCE_SECONDS,
      );
      const voice = await cloner.embed(reference);
      for (const [k, text] of sentences.entries()) renditions[k]!.push(await speakSpeaker(text, speaker));
      for (const [s, source] of held.sources.entries()) {
        const row: string[] = [];
        for (const [k] of sentences.entries()) {
          const input = sourceSpeech[s]![k]!;
          const output = await cloner.convert(input, voice);
          const v = await judgeClone(judge, {
            output,
            reference,
            source: sourceSpeech[s]![(k + 1) % sentences.length]!,
            sourceSameText: input,
          });
          verdicts.push(v);
          row.push(
            `${v.closerToReference ? 'closer' : 'FARTHER'} ${v.simReference.toFixed(2)}/${v.simSource.toFixed(2)} f0 ×${v.f0Ratio.toFixed(2)} dtw ${v.mfccDtw.toFixed(1)}`,
          );
        }
        console.log(`voice held-out ${speakerName(speaker)} from ${speakerName(source)}: ${row.join(' | ')}`);
      }
    }
    const bound = ttsVariationBound(renditions);
    const s = summariseClones(verdicts, bound.bound);
    console.log(
      `voice held-out summary: ${s.pairs} pairs; closer to the reference ${(100 * s.closerShare).toFixed(1)} %; ` +
        `F0 within 10 % ${(100 * s.f0Share).toFixed(1)} % (median ratio ${s.medianF0Ratio.toFixed(3)}); ` +
        `MFCC-DTW within the TTS bound ${bound.bound.toFixed(2)} (median ${bound.median.toFixed(2)} over ${bound.pairs} voice pairs) ` +
        `${(100 * s.intelligibleShare).toFixed(1)} % (median ${s.medianMfccDtw.toFixed(2)})`,
    );
    // Issue 24's bar, 80 % for each (the committed model measured closer 90 %, F0 100 %, DTW within the TTS bound
    // 95 % on these 20 pairs; 83 %, 100 %, 100 % on confirm_voice.json's 36).
    expect(s.closerShare).toBeGreaterThanOrEqual(VOICE_TARGETS.closerShare);
    expect(s.f0Share).toBeGreaterThanOrEqual(VOICE_TARGETS.closerShare);
    expect(s.intelligibleShare).toBeGreaterThanOrEqual(VOICE_TARGETS.closerShare);
  }, 900_000);
});
