import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { create } from '@bufbuild/protobuf';
import { StringStringEntryProtoSchema, TensorProto_DataLocation } from '../gen/onnx/onnx_pb';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DiffusionEngine } from '../engine';
import { AdapterFileError } from '../errors';
import { parseModel, serializeModel, tensorFloats } from '../onnx/model-proto';
import { MODELS } from '../pipeline/test-helpers';
import type { GenerateRequest } from '../pipeline/types';
import { findTokenEmbedding } from './embedding';
import { encodeSafetensors } from './test-helpers';

const MODEL = join(MODELS, 'easel-tiny');
const REQ: GenerateRequest = { prompt: 'a red circle on a blue background', seed: 5, steps: 4, width: 128, height: 128, guidanceScale: 7.5 };
const warnings: string[] = [];
const engine = new DiffusionEngine({ intraOpNumThreads: 1, warn: (m) => warnings.push(m) });
let dir: string;
let table: Float32Array;
const WIDTH = 128;
const row = (id: number): Float32Array => table.subarray(id * WIDTH, (id + 1) * WIDTH);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'easel-adapters-'));
  const te = parseModel(await readFile(join(MODEL, 'text_encoder', 'model.onnx')), 'te');
  table = tensorFloats(findTokenEmbedding(te.graph!)!, 'embeddings_model');
  // A LoRA on one attention projection of the UNet (an anonymous MatMul weight) and one of the text encoder (kohya names).
  const ramp = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(i * k) * 0.5);
  await writeFile(
    join(dir, 'lora.safetensors'),
    encodeSafetensors({
      'lora_unet_mid_attn_attn1_to_q.lora_down.weight': { shape: [2, 128], data: ramp(256, 0.37) },
      'lora_unet_mid_attn_attn1_to_q.lora_up.weight': { shape: [128, 2], data: ramp(256, 0.91) },
      'lora_unet_mid_attn_attn1_to_q.alpha': { shape: [], data: [2] },
      'lora_te_text_model_encoder_layers_0_self_attn_v_proj.lora_down.weight': { shape: [2, 128], data: ramp(256, 0.13) },
      'lora_te_text_model_encoder_layers_0_self_attn_v_proj.lora_up.weight': { shape: [128, 2], data: ramp(256, 0.53) },
      'lora_unet_no_such_block_to_k.lora_down.weight': { shape: [2, 128], data: ramp(256, 0.2) },
      'lora_unet_no_such_block_to_k.lora_up.weight': { shape: [128, 2], data: ramp(256, 0.3) },
    }),
  );
  // "circle" (id 599) as a one-vector embedding; "red circle" (580, 599) as a two-vector one.
  await writeFile(join(dir, 'zorb.safetensors'), encodeSafetensors({ emb_params: { shape: [1, WIDTH], data: row(599) } }));
  const two = new Float32Array(2 * WIDTH);
  two.set(row(580));
  two.set(row(599), WIDTH);
  await writeFile(join(dir, 'redcircle.safetensors'), encodeSafetensors({ '<redcircle>': { shape: [2, WIDTH], data: two } }));
  await writeFile(join(dir, 'wide.safetensors'), encodeSafetensors({ emb_params: { shape: [1, 64], data: new Float32Array(64) } }));
  await writeFile(join(dir, 'corrupt.safetensors'), Buffer.from('not a safetensors file at all'));
});
afterAll(async () => {
  await engine.dispose();
  await rm(dir, { recursive: true, force: true });
});

const lora = (strength: number) => ({ name: 'test-lora', path: join(dir, 'lora.safetensors'), strength });

describe('LoRA and embeddings through the engine (easel-tiny)', () => {
  it('strength 0 gives the same pixels as no LoRA; strength 1 changes them and reports the unmapped key', async () => {
    const base = await engine.generate(MODEL, REQ);
    const zero = await engine.generate(MODEL, { ...REQ, loras: [lora(0)] });
    const one = await engine.generate(MODEL, { ...REQ, loras: [lora(1)] });
    expect(zero.images[0].equals(base.images[0])).toBe(true);
    expect(one.images[0].equals(base.images[0])).toBe(false);
    expect(one.adapters?.loras).toEqual([
      { name: 'test-lora', strength: 1, applied: 2, unmapped: ['lora_unet_no_such_block_to_k (no such weight in the UNet graph)'] },
    ]);
    expect(base.adapters).toBeUndefined();
    // one log line per merged variant (strength 0, strength 1)
    expect(warnings).toEqual(Array(2).fill(expect.stringMatching(/^LoRA test-lora on .*easel-tiny: 2 modules merged, 1 keys not: lora_unet_no_such_block_to_k/)));
  });

  it('caches one merged model per (model, LoRAs, strengths) and unloadModel drops all of them', async () => {
    await engine.generate(MODEL, { ...REQ, loras: [lora(0.5)] });
    await engine.generate(MODEL, { ...REQ, loras: [lora(0.5)] });
    const keys = engine.cacheKeys().filter((k) => k.includes('lora.safetensors'));
    expect(keys.filter((k) => k.includes(',0.5]')).length).toBe(1);
    // variants are named by their model's directory, once
    expect(engine.loadedModels()).toEqual([resolve(MODEL)]);
    expect(await engine.unloadModel(join(dir, 'lora.safetensors'))).toBe(true);
    expect(engine.cacheKeys().some((k) => k.includes('lora.safetensors'))).toBe(false);
  });

  it("an embedding's token draws exactly what its vectors encode (one and two vectors, prompt and negative prompt)", async () => {
    const circle = await engine.generate(MODEL, { ...REQ, negativePrompt: 'a red circle' });
    const zorb = await engine.generate(MODEL, {
      ...REQ,
      prompt: 'a red zorb on a blue background',
      negativePrompt: 'a <redcircle>',
      embeddings: [{ name: 'zorb', path: join(dir, 'zorb.safetensors') }, { name: '<redcircle>', path: join(dir, 'redcircle.safetensors') }],
    });
    expect(zorb.images[0].equals(circle.images[0])).toBe(true);
    expect(zorb.adapters?.embeddings).toEqual([{ name: 'zorb', token: 'zorb', vectors: 1 }, { name: '<redcircle>', token: '<redcircle>', vectors: 2 }]);
    const plain = await engine.generate(MODEL, { ...REQ, prompt: 'a red zorb on a blue background', negativePrompt: 'a red circle' });
    expect(plain.images[0].equals(circle.images[0])).toBe(false);
  });

  it('a corrupt LoRA or an embedding of another width fails with a typed error naming the field', async () => {
    await expect(engine.generate(MODEL, { ...REQ, loras: [{ name: 'bad', path: join(dir, 'corrupt.safetensors'), strength: 1 }] })).rejects.toMatchObject({
      code: 'adapter_file_corrupt',
      field: 'lora_model',
      message: expect.stringMatching(/is not a valid safetensors file: its header length \d+ exceeds the file/),
    });
    const err = await engine.generate(MODEL, { ...REQ, embeddings: [{ name: 'wide', path: join(dir, 'wide.safetensors') }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterFileError);
    expect(err).toMatchObject({ code: 'adapter_mismatch', field: 'embeddings_model', message: expect.stringMatching(/width 64 but the text encoder's token embedding is 128 wide/) });
  });

  it('graphs whose weights live in an external data file (exports > 2 GB) take LoRAs and embeddings the same way', async () => {
    // easel-tiny with every UNet and text-encoder initializer moved to `weights.pb` beside its graph, as large exports are.
    const ext = join(dir, 'easel-tiny-external');
    await cp(MODEL, ext, { recursive: true });
    for (const g of ['unet', 'text_encoder']) {
      const model = parseModel(await readFile(join(MODEL, g, 'model.onnx')), g);
      const chunks: Buffer[] = [];
      let offset = 0;
      for (const t of model.graph!.initializer) {
        if (t.rawData.length === 0) continue;
        const entry = (key: string, value: string) => create(StringStringEntryProtoSchema, { key, value });
        t.externalData = [entry('location', 'weights.pb'), entry('offset', String(offset)), entry('length', String(t.rawData.length))];
        t.dataLocation = TensorProto_DataLocation.EXTERNAL;
        chunks.push(Buffer.from(t.rawData));
        offset += t.rawData.length;
        t.rawData = new Uint8Array(0);
      }
      await writeFile(join(ext, g, 'weights.pb'), Buffer.concat(chunks));
      await writeFile(join(ext, g, 'model.onnx'), serializeModel(model));
    }
    const embeddings = [{ name: 'zorb', path: join(dir, 'zorb.safetensors') }];
    const req = { ...REQ, prompt: 'a red zorb on a blue background', loras: [lora(0.8)], embeddings };
    const [inline, external] = [await engine.generate(MODEL, req), await engine.generate(ext, req)];
    expect(external.images[0].equals(inline.images[0])).toBe(true);
    expect(external.adapters).toEqual(inline.adapters);
    expect((await engine.generate(ext, REQ)).images[0].equals((await engine.generate(MODEL, REQ)).images[0])).toBe(true);
  });
});
