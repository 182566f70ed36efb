// node models/training/voice/make_speech.mjs [--out DIR] [--sentences N] [--speakers N] [--workers N]
// (after `node ../../scripts/pnpm.mjs run build` in packages/engine-voice: it uses its dist)
//
// The voice models' training speech: every training speaker (a flite voice, an F0 target, a
// playback-rate factor alpha; TRAIN_SPEAKERS) saying every training sentence, through
// engine-voice's own speakSpeaker (the code that makes the held-out references at test time).
// Writes DIR/<speaker>.pcm (16-bit little-endian, 16 kHz, the utterances back to back) and
// DIR/index.json (speakers, sentences, each utterance's offset, length and phone end times).
// Held-out speakers and sentences (heldout_voice.json) are never written here.
// One child process per speaker, --workers at a time: Node 20's WASI crashed (SIGSEGV) with two
// flite instances in worker threads of one process, so each speaker gets its own process and a
// speaker whose process dies is rendered again (up to three tries).
import { mkdirSync, openSync, readFileSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fork } from 'node:child_process';
import { makeSentences } from './sentences.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const voice = require(join(HERE, '../../../packages/engine-voice/dist'));

/** slt, awb and kal16 honour int_f0_target_mean (measured: targets 90/140/200 Hz land within 6 Hz); rms keeps ~102 Hz. */
export const TRAIN_SPEAKERS = [
  ...[160, 200, 240].flatMap((f0) => [0.88, 1, 1.12].map((alpha) => ({ voice: 'slt', f0, alpha }))),
  ...[100, 130, 160].flatMap((f0) => [0.88, 1, 1.12].map((alpha) => ({ voice: 'awb', f0, alpha }))),
  ...[80, 110, 140].flatMap((f0) => [0.88, 1, 1.12].map((alpha) => ({ voice: 'kal16', f0, alpha }))),
  ...[0.88, 0.96, 1.04, 1.12].map((alpha) => ({ voice: 'rms', alpha })),
];

function parseArgs() {
  const a = { out: resolve(HERE, '../.work/voice/data'), sentences: 150, speakers: TRAIN_SPEAKERS.length, workers: 2 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in a)) throw new Error(`unknown option ${argv[i]}`);
    a[key] = key === 'out' ? resolve(argv[i + 1]) : Number(argv[i + 1]);
  }
  return a;
}

async function renderSpeaker(out, s, sentences) {
  const name = voice.speakerName(s);
  const fd = openSync(join(out, `${name}.pcm`), 'w');
  const rows = [];
  let offset = 0;
  for (let k = 0; k < sentences.length; k++) {
    const audio = await voice.speakSpeaker(sentences[k], s);
    // each flite run is a fresh WebAssembly instance: collect the last one's memory now
    globalThis.gc?.();
    const pcm = new Int16Array(audio.samples.length);
    for (let i = 0; i < pcm.length; i++) pcm[i] = Math.max(-32768, Math.min(32767, Math.round(audio.samples[i] * 32768)));
    writeSync(fd, Buffer.from(pcm.buffer));
    rows.push({ speaker: name, sentence: k, offset, length: pcm.length, phones: audio.phones.map((p) => [p.phone, +p.end.toFixed(4)]) });
    offset += pcm.length;
  }
  closeSync(fd);
  writeFileSync(join(out, `${name}.json`), JSON.stringify(rows));
}

function renderInChild(out, s, sentences, tries = 3) {
  return new Promise((ok, fail) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--expose-gc', '--no-warnings'] });
    child.send({ out, speaker: s, sentences });
    child.on('exit', (code, signal) => {
      if (code === 0) return ok(JSON.parse(readFileSync(join(out, `${voice.speakerName(s)}.json`), 'utf8')));
      if (tries > 1) return ok(renderInChild(out, s, sentences, tries - 1));
      fail(new Error(`rendering ${voice.speakerName(s)} failed (${signal ?? code})`));
    });
  });
}

if (process.argv[2] === '--child') {
  process.once('message', ({ out, speaker, sentences }) => renderSpeaker(out, speaker, sentences).then(() => process.exit(0)));
} else {
  const a = parseArgs();
  const heldout = JSON.parse(readFileSync(join(HERE, 'heldout_voice.json'), 'utf8'));
  const heldNames = new Set(heldout.speakers.map((s) => voice.speakerName(s)));
  const speakers = TRAIN_SPEAKERS.slice(0, a.speakers);
  for (const s of speakers) if (heldNames.has(voice.speakerName(s))) throw new Error(`${voice.speakerName(s)} is held out`);
  const sentences = makeSentences(a.sentences, 1, [...heldout.reference_sentences, ...heldout.test_sentences]);
  mkdirSync(a.out, { recursive: true });
  const t0 = Date.now();
  const queue = speakers.slice();
  const parts = new Map();
  await Promise.all(
    Array.from({ length: a.workers }, async () => {
      for (let s = queue.shift(); s; s = queue.shift()) {
        parts.set(voice.speakerName(s), await renderInChild(a.out, s, sentences));
        console.log(`${((Date.now() - t0) / 1000).toFixed(0)} s: ${voice.speakerName(s)} (${parts.size}/${speakers.length})`);
      }
    }),
  );
  const parts2 = speakers.map((s) => parts.get(voice.speakerName(s)));
  const utterances = parts2.flat();
  const expected = speakers.length * sentences.length;
  if (utterances.length !== expected) throw new Error(`${utterances.length} utterances, expected ${expected}`);
  const seconds = utterances.reduce((s, u) => s + u.length, 0) / voice.SPEAKER_RATE;
  const index = {
    sample_rate: voice.SPEAKER_RATE,
    speakers: speakers.map((s) => ({ ...s, name: voice.speakerName(s) })),
    sentences,
    utterances,
    audio_seconds: +seconds.toFixed(1),
    make_seconds: +((Date.now() - t0) / 1000).toFixed(1),
  };
  writeFileSync(join(a.out, 'index.json'), JSON.stringify(index));
  console.log(`${utterances.length} utterances, ${(seconds / 3600).toFixed(2)} h of speech from ${speakers.length} speakers in ${index.make_seconds} s -> ${a.out}`);
}
