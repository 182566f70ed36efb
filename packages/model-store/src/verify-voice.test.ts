import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findVoiceModel } from './verify-voice';

describe('findVoiceModel', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'voice-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const files = async (root: string, entries: Record<string, string>) => {
    for (const [name, body] of Object.entries(entries)) {
      await mkdir(join(root, name, '..'), { recursive: true });
      await writeFile(join(root, name), body);
    }
  };

  it('finds a Piper voice (graph + its JSON) and a cloning model, wrapped in a folder or not', async () => {
    await files(join(dir, 'en_US-amy-low'), { 'en_US-amy-low.onnx': 'x', 'en_US-amy-low.onnx.json': '{"phoneme_id_map":{"a":[1]}}', 'MODEL_CARD': 'y' });
    expect(await findVoiceModel(dir)).toBe(join(dir, 'en_US-amy-low'));
    const cloner = await mkdtemp(join(tmpdir(), 'voice-'));
    await files(cloner, { 'config.json': '{}', 'speaker_encoder/model.onnx': 'x', 'converter/model.onnx': 'x' });
    expect(await findVoiceModel(cloner)).toBe(cloner);
    await rm(cloner, { recursive: true });
  });

  it('names what a voice archive lacks', async () => {
    await files(dir, { 'voice.onnx': 'x' });
    await expect(findVoiceModel(dir)).rejects.toThrow(/<name>.onnx with its <name>.onnx.json/);
    await files(dir, { 'voice.onnx.json': '{"audio":{}}' });
    await expect(findVoiceModel(dir)).rejects.toThrow(/no phoneme_id_map/);
    await files(dir, { 'config.json': '{}' });
    await expect(findVoiceModel(dir)).rejects.toThrow(/missing speaker_encoder\/model.onnx, converter\/model.onnx/);
  });
});
