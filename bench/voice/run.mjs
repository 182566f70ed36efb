// Voice figures, printed, never asserted:
//   node scripts/pnpm.mjs --filter @easel/bench voice     (builds engine-voice, then runs this)
// Real-time factor (compute seconds per second of audio; under 1 is faster than real time) of:
// - text to speech with Flite (slt) and with the random-weight Piper-format voice (models/piper-random);
// - cloning (text_to_audio with a reference): the source speaker's speech, the reference's embedding,
//   the converter and the vocoder, split into those parts;
// - voice_to_voice: the embedding, the converter and the vocoder on a recording;
// - MP3 encoding.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const voice = require(join(root, 'packages/engine-voice/dist/index.js'));
const { FliteSynthesizer, PiperSynthesizer, loadPiperVoice, loadVoiceCloner, speakSpeaker, durationSeconds, encodeMp3 } = voice;

const TEXT = 'The quiet harbour opened at dawn, and seven small boats drifted out past the lighthouse toward the grey horizon.';
const RUNS = 3;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(label, run) {
  await run(); // warm-up: sessions' and modules' first runs
  const rtfs = [];
  let seconds = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const audio = await run();
    seconds = durationSeconds(audio);
    rtfs.push((performance.now() - t0) / 1000 / seconds);
  }
  console.log(`${label}: real-time factor ${median(rtfs).toFixed(3)} (median of ${RUNS}; ${seconds.toFixed(2)} s of audio)`);
}

const flite = new FliteSynthesizer();
await timed('text to speech, Flite slt', () => flite.synthesize(TEXT, { voice: 'slt' }));
const piper = new PiperSynthesizer(await loadPiperVoice(join(root, 'models/piper-random/en_US-random-medium.onnx')));
await timed('text to speech, Piper-format voice (random weights, 29 KB graph)', () => piper.synthesize(TEXT));

const speech = await flite.synthesize(TEXT, { voice: 'slt' });
const t0 = performance.now();
await encodeMp3(speech);
console.log(`MP3 encoding: real-time factor ${((performance.now() - t0) / 1000 / durationSeconds(speech)).toFixed(3)}`);

const modelDir = join(root, 'models/easel-tiny-voice');
if (!existsSync(join(modelDir, 'config.json'))) {
  console.log('cloning: models/easel-tiny-voice is not there (train it with models/training/voice/train.py)');
} else {
  const cloner = await loadVoiceCloner(modelDir);
  const reference = await speakSpeaker('Seven small boats drifted out past the lighthouse, and the gulls followed them out.', { voice: 'kal', f0: 100, alpha: 0.94 });
  const parts = { speech: [], embed: [], convert: [] };
  await timed('cloning (text_to_audio with a 5 s reference)', async () => {
    let t = performance.now();
    const source = await speakSpeaker(TEXT, cloner.config.default_source);
    parts.speech.push(performance.now() - t);
    t = performance.now();
    const voice = await cloner.embed(reference);
    parts.embed.push(performance.now() - t);
    t = performance.now();
    const out = await cloner.convert(source, voice);
    parts.convert.push(performance.now() - t);
    return out;
  });
  console.log(`  of which: source speech ${median(parts.speech).toFixed(0)} ms, reference embedding ${median(parts.embed).toFixed(0)} ms, converter + vocoder (${cloner.config.vocoder.type}) ${median(parts.convert).toFixed(0)} ms`);
  const recording = await speakSpeaker(TEXT, { voice: 'rms', alpha: 1 });
  await timed('voice_to_voice (a recording re-spoken)', async () => cloner.convert(recording, await cloner.embed(reference)));
  await cloner.release();
}
await piper.release?.();
console.log(`peak resident memory: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
