import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as ort from 'onnxruntime-node';

/** The parts of Piper's `<voice>.onnx.json` the engine reads. */
export interface PiperConfig {
  sampleRate: number;
  /** espeak-ng's voice name (`en-us`): only English (`en*`) is phonemized here. */
  espeakVoice: string;
  phonemeType: string;
  noiseScale: number;
  lengthScale: number;
  noiseW: number;
  /** Symbol (one codepoint, or a longer key) → ids. */
  phonemeIdMap: Record<string, number[]>;
  numSpeakers: number;
  speakerIdMap: Record<string, number>;
}

export interface PiperVoice {
  name: string;
  config: PiperConfig;
  session: ort.InferenceSession;
}

export interface PiperSessionOptions {
  intraOpNumThreads?: number;
}

/** Reads `<name>.onnx` and the `<name>.onnx.json` beside it. */
export async function loadPiperVoice(
  onnxPath: string,
  options: PiperSessionOptions = {},
): Promise<PiperVoice> {
  const json = JSON.parse(await readFile(`${onnxPath}.json`, 'utf8')) as Record<string, unknown>;
  const config = parsePiperConfig(json, `${onnxPath}.json`);
  const session = await ort.InferenceSession.create(onnxPath, {
    graphOptimizationLevel: 'all',
    executionProviders: ['cpu'],
    ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
  });
  for (const name of ['input', 'input_lengths', 'scales']) {
    if (!session.inputNames.includes(name))
      throw new Error(
        `${onnxPath} is not a Piper voice: it has no input "${name}" (inputs: ${session.inputNames.join(', ')})`,
      );
  }
  return { name: basename(onnxPath).replace(/\.onnx$/, ''), config, session };
}

/** Piper's JSON as PiperConfig; Error names the file and what is missing. */
export function parsePiperConfig(json: Record<string, unknown>, file: string): PiperConfig {
  const section = (key: string) => (json[key] ?? {}) as Record<string, unknown>;
  const sampleRate = Number(section('audio').sample_rate);
  const phonemeIdMap = json.phoneme_id_map as Record<string, number[]> | undefined;
  if (!(sampleRate > 0)) throw new Error(`${file} has no audio.sample_rate`);
  if (!phonemeIdMap || typeof phonemeIdMap !== 'object') throw new Error(`${file} has no phoneme_id_map`);
  for (const symbol of ['_', '^', '$'])
    if (!phonemeIdMap[symbol]) throw new Error(`${file}'s phoneme_id_map has no "${symbol}"`);
  const inference = section('inference');
  const number = (v: unknown, fallback: number) =>
    typeof v === 'number' && Number.isFinite(v) ? v : fallback;
  return {
    sampleRate,
    espeakVoice: String(section('espeak').voice ?? 'en-us'),
    phonemeType: String(json.phoneme_type ?? 'espeak'),
    noiseScale: number(inference.noise_scale, 0.667),
    lengthScale: number(inference.length_scale, 1),
    noiseW: number(inference.noise_w, 0.8),
    phonemeIdMap,
    numSpeakers: number(json.num_speakers, 1),
    speakerIdMap: (json.speaker_id_map ?? {}) as Record<string, number>,
  };
}

/**
 * Piper's id sequence for one sentence: `^`, then each phoneme (codepoint) followed by the pad `_`,
 * then `$` — as piper-phonemize's phonemes_to_ids with its defaults (BOS, EOS, interspersed pad).
 * Phonemes the map lacks are skipped, as there, and returned so the caller can say so.
 */
export function phonemeIds(ipa: string, map: Record<string, number[]>): { ids: number[]; missing: string[] } {
  const ids = [...map['^'], ...map['_']];
  const missing: string[] = [];
  for (const phoneme of Array.from(ipa)) {
    const mapped = map[phoneme];
    if (!mapped) {
      missing.push(phoneme);
      continue;
    }
    ids.push(...mapped, ...map['_']);
  }
  ids.push(...map['$']);
  return { ids, missing };
}
