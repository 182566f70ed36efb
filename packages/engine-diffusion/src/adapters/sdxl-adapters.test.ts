import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalDiffusionEngine } from '../local-engine';
import { parseModel, tensorFloats } from '../onnx/model-proto';
import { maxAbsDiff, MODELS } from '../pipeline/test-helpers';
import { ClipTokenizer } from '../text/clip-tokenizer';
import { adaptGraphs, type AdapterSpec, type TextEncoderFile } from './adapt-model';
import { SafetensorsFile } from './safetensors';
import { encodeSafetensors } from './test-helpers';

// Fixtures and the merged weights NumPy computed for them: models/training/families/make_sdxl_adapters.py
const BASE = join(MODELS, 'sdxl-random');
const REFINER = join(MODELS, 'sdxl-refiner-random');
const FIXTURES = join(MODELS, 'sdxl-random-adapters');
const fixture = (name: string) => join(FIXTURES, `${name}.safetensors`);
const GRAPHS = ['text_encoder', 'text_encoder_2', 'unet'] as const;

async function adaptSdxl(dir: string, spec: AdapterSpec, encoders: Array<TextEncoderFile['name']>) {
  const textEncoders = await Promise.all(
    encoders.map(async (name) => ({
      name,
      path: join(dir, name, 'model.onnx'),
      tokenizer: await ClipTokenizer.fromDirectory(join(dir, name.replace('text_encoder', 'tokenizer'))),
    })),
  );
  const adapted = await adaptGraphs({ textEncoders, unet: join(dir, 'unet', 'model.onnx') }, spec);
  const bytes = { ...Object.fromEntries(adapted.textEncoders), unet: adapted.unet } as Record<
    string,
    Uint8Array | undefined
  >;
  /** Every initializer of a graph after the merge (the file's own when the graph was left alone). */
  const weights = (graph: string) => {
    const model = parseModel(bytes[graph]!, graph);
    return new Map(model.graph!.initializer.map((t) => [t.name, tensorFloats(t, 'lora_model')]));
  };
  return { ...adapted, weights, tokenizers: textEncoders.map((e) => e.tokenizer) };
}

const originals = Object.fromEntries(
  GRAPHS.map((g) => {
    const model = parseModel(readFileSync(join(BASE, g, 'model.onnx')), g);
    return [g, new Map(model.graph!.initializer.map((t) => [t.name, tensorFloats(t, 'lora_model')]))];
  }),
);

/** The initializers that differ from the committed graph's. */
function changed(graph: string, after: Map<string, Float32Array>): string[] {
  return [...after]
    .filter(([name, v]) => {
      const before = originals[graph].get(name)!;
      return before.length !== v.length || v.some((x, i) => x !== before[i]);
    })
    .map(([name]) => name);
}

describe('SDXL LoRA and embeddings (models/sdxl-random, NumPy-computed merges)', () => {
  let expected: SafetensorsFile;
  let strength: number;
  let dir: string;
  beforeAll(async () => {
    expected = await SafetensorsFile.read(fixture('expected'));
    strength = Number(expected.metadata.strength);
    dir = await mkdtemp(join(tmpdir(), 'easel-sdxl-adapters-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** The expected tensors of one fixture, by graph: `<fixture>/<graph>/<initializer>`. */
  const expectedFor = (name: string) =>
    [...expected.entries.keys()]
      .filter((k) => k.startsWith(`${name}/`))
      .map((k) => ({ key: k, graph: k.split('/')[1], init: k.split('/').slice(2).join('/') }));

  it.each(['kohya', 'peft'])(
    '%s keys: both text encoders and the UNet become W + strength·alpha/rank·up·down, nothing else changes',
    async (name) => {
      const r = await adaptSdxl(BASE, { loras: [{ name, path: fixture(name), strength }] }, [
        'text_encoder',
        'text_encoder_2',
      ]);
      const want = expectedFor(name);
      expect(new Set(want.map((w) => w.graph))).toEqual(new Set(GRAPHS));
      for (const graph of GRAPHS) {
        const after = r.weights(graph);
        expect(changed(graph, after).sort()).toEqual(
          want
            .filter((w) => w.graph === graph)
            .map((w) => w.init)
            .sort(),
        );
        for (const w of want.filter((x) => x.graph === graph))
          expect(maxAbsDiff(after.get(w.init)!, expected.float32(w.key).data)).toBeLessThanOrEqual(1e-6);
      }
      expect(r.report.loras[0].applied).toBe(want.length);
    },
  );

  it('a LoRA module that names no weight is reported, not dropped', async () => {
    const missing = (await SafetensorsFile.read(fixture('kohya'))).metadata.names_no_weight;
    const r = await adaptSdxl(BASE, { loras: [{ name: 'kohya', path: fixture('kohya'), strength }] }, [
      'text_encoder',
      'text_encoder_2',
    ]);
    expect(r.report.loras[0].unmapped).toEqual([
      `${missing} (no such weight in the second text encoder graph)`,
    ]);
  });

  it('on the refiner (text_encoder_2 only) lora_te1_ keys are reported as naming a graph it lacks', async () => {
    const r = await adaptSdxl(REFINER, { loras: [{ name: 'kohya', path: fixture('kohya'), strength }] }, [
      'text_encoder_2',
    ]);
    expect(r.report.loras[0].unmapped.filter((u) => u.startsWith('lora_te1_'))).toEqual([
      'lora_te1_down_0 (this model has no text_encoder)',
    ]);
  });

  it('clip_l + clip_g: each encoder gains its own rows and both tokenizers map the token to them', async () => {
    const r = await adaptSdxl(BASE, { embeddings: [{ name: 'style', path: fixture('style') }] }, [
      'text_encoder',
      'text_encoder_2',
    ]);
    const want = expectedFor('style');
    expect(want.map((w) => w.graph).sort()).toEqual(['text_encoder', 'text_encoder_2']);
    r.tokenizers.forEach((tokenizer, i) => {
      const w = want.find((x) => x.graph === ['text_encoder', 'text_encoder_2'][i])!;
      const table = r.weights(w.graph).get(w.init)!;
      expect(maxAbsDiff(table, expected.float32(w.key).data)).toBe(0);
      const rows = expected.float32(w.key).shape[0];
      expect(tokenizer.encode('a style')).toEqual([...tokenizer.encode('a'), rows - 2, rows - 1]);
    });
    expect(r.report.embeddings).toEqual([{ name: 'style', token: 'style', vectors: 2 }]);
  });

  it('a one-encoder embedding cannot condition text_encoder_2: a mismatch naming embeddings_model', async () => {
    const path = join(dir, 'sd15-style.safetensors');
    await writeFile(path, encodeSafetensors({ emb_params: { shape: [1, 8], data: new Float32Array(8) } }));
    await expect(
      adaptSdxl(BASE, { embeddings: [{ name: 'sd15-style', path }] }, ['text_encoder', 'text_encoder_2']),
    ).rejects.toMatchObject({ code: 'adapter_mismatch', field: 'embeddings_model' });
  });

  it('the engine generates with them: pixels change and the report says what was merged', async () => {
    const engine = new LocalDiffusionEngine({ intraOpNumThreads: 1, warn: () => undefined });
    try {
      const request = {
        prompt: 'a style',
        seed: 1,
        steps: 2,
        width: 64,
        height: 64,
        guidanceScale: 5,
        returnPixels: true,
      };
      const plain = await engine.generate(BASE, request);
      const adapted = await engine.generate(BASE, {
        ...request,
        loras: [{ name: 'peft', path: fixture('peft'), strength }],
        embeddings: [{ name: 'style', path: fixture('style') }],
      });
      expect(maxAbsDiff(plain.pixels!, adapted.pixels!)).toBeGreaterThan(1e-3);
      expect(adapted.adapters).toMatchObject({
        loras: [{ name: 'peft', applied: expectedFor('peft').length, unmapped: [] }],
        embeddings: [{ token: 'style', vectors: 2 }],
      });
      // the refiner reads the same prompt: it gets the embedding (its clip_g rows), not the base's LoRA
      const refined = await engine.generate(BASE, {
        ...request,
        embeddings: [{ name: 'style', path: fixture('style') }],
        refiner: { model: REFINER, switchAt: 0.5 },
      });
      expect(refined.refiner).toBeDefined();
      expect(
        engine
          .cacheKeys()
          .map((k) =>
            k.startsWith('{') ? (JSON.parse(k) as { m: string; l: unknown[]; e: unknown[] }) : undefined,
          )
          .filter((k) => k?.m === REFINER),
      ).toEqual([{ m: REFINER, l: [], e: [[fixture('style'), 'style']] }]);
    } finally {
      await engine.dispose();
    }
  });
});
