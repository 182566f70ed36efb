import { dirname, join } from 'node:path';
import { create, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { service as healthDefinition } from 'grpc-health-check';
import { diffusionv1 } from '@easel/contracts';
import { DiffusionEngine } from '@easel/engine-diffusion';
import sharp from 'sharp';
import { grpcServiceDefinition, startGrpcServer, type GrpcServerHandle } from './index';
import { bundledServiceOptions } from './test-helpers';

const SERVICE = 'easel.diffusion.v1.DiffusionService';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

type Request = Parameters<typeof create<typeof diffusionv1.GenerateRequestSchema>>[1];

let engine: DiffusionEngine;
let service: ReturnType<typeof bundledServiceOptions>;
let server: GrpcServerHandle;
let address: string;
let client: any;

beforeAll(async () => {
  engine = new DiffusionEngine({ intraOpNumThreads: 2 });
  service = bundledServiceOptions(engine);
  server = await startGrpcServer({ port: 0, host: '127.0.0.1', diffusion: service.options });
  address = `127.0.0.1:${server.port}`;
  const Client = grpc.makeGenericClientConstructor(
    grpcServiceDefinition(diffusionv1.DiffusionService),
    'DiffusionService',
  );
  client = new Client(address, grpc.credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  await server?.close();
  await engine?.dispose();
  await service?.dispose();
});

const request = (fields: Request) =>
  create(diffusionv1.GenerateRequestSchema, {
    tenantId: 'tenant-1',
    prompt: 'a red circle on a blue background',
    ...fields,
  });

/** Run Generate to its end: every event, or the error status it ended with. */
function generate(req: diffusionv1.GenerateRequest) {
  return new Promise<{ events: diffusionv1.GenerateEvent[]; error?: grpc.ServiceError }>((resolve) => {
    const events: diffusionv1.GenerateEvent[] = [];
    const call = client.generate(req);
    call.on('data', (event: diffusionv1.GenerateEvent) => events.push(event));
    call.on('error', (error: grpc.ServiceError) => resolve({ events, error }));
    call.on('end', () => resolve({ events }));
  });
}

const unary = <T>(method: string, req: unknown) =>
  new Promise<T>((resolve, reject) =>
    client[method](req, (error: grpc.ServiceError | null, res: T) => (error ? reject(error) : resolve(res))),
  );

const capacity = () =>
  unary<diffusionv1.GetCapacityResponse>('getCapacity', create(diffusionv1.GetCapacityRequestSchema));

describe('DiffusionService over gRPC', () => {
  it('streams progress events, then one result with the PNG and the requested seed', async () => {
    const { events, error } = await generate(request({ width: 128, height: 128, steps: 4, seed: 1234n }));
    expect(error).toBeUndefined();
    const progress = events
      .filter((e) => e.event.case === 'progress')
      .map((e) => e.event.value as diffusionv1.GenerateProgress);
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect(progress.map((p) => p.step)).toEqual(progress.map((_, i) => i + 1));
    expect(progress.every((p) => p.total === progress.length && p.eta >= 0)).toBe(true);
    expect(progress.at(-1)!.eta).toBe(0);

    expect(events.at(-1)!.event.case).toBe('result');
    expect(events.filter((e) => e.event.case === 'result')).toHaveLength(1);
    const result = events.at(-1)!.event.value as diffusionv1.GenerateResult;
    expect(result).toMatchObject({
      seeds: [1234n],
      width: 128,
      height: 128,
      steps: 4,
      modelId: 'easel-tiny',
      format: 'png',
    });
    expect(result.scheduler).toMatch(/Scheduler$/);
    expect(result.timings.total).toBeGreaterThan(0);
    expect(result.images).toHaveLength(1);
    const png = Buffer.from(result.images[0].data);
    expect(result.images[0].mimeType).toBe('image/png');
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([128, 128]); // IHDR width, height
  });

  it('honours every parameter of an img2img request: images, seeds, scheduler, format', async () => {
    const init = await sharp({ create: { width: 128, height: 128, channels: 3, background: '#f00' } }).png().toBuffer();
    const { events, error } = await generate(
      request({
        kind: diffusionv1.GenerationKind.IMG2IMG,
        modelId: 'easel-tiny',
        negativePrompt: 'blurry',
        initImage: `data:image/png;base64,${init.toString('base64')}`,
        strength: 0.6,
        width: 128,
        height: 128,
        samples: 2,
        steps: 4,
        guidanceScale: 5,
        seed: 99n,
        scheduler: 'euler',
        useKarrasSigmas: false,
        clipSkip: 1,
        outputFormat: diffusionv1.OutputFormat.JPEG,
      }),
    );
    expect(error).toBeUndefined();
    const result = events.at(-1)!.event.value as diffusionv1.GenerateResult;
    expect(result).toMatchObject({ seeds: [99n, 100n], width: 128, height: 128, format: 'jpeg', guidanceScale: 5, modelId: 'easel-tiny' });
    expect(result.scheduler).toBe('EulerDiscreteScheduler');
    expect(result.images).toHaveLength(2);
    for (const image of result.images) {
      expect(image.mimeType).toBe('image/jpeg');
      expect((await sharp(Buffer.from(image.data)).metadata()).format).toBe('jpeg');
    }
    expect(Buffer.from(result.images[0].data).equals(Buffer.from(result.images[1].data))).toBe(false); // seed + i per sample
    const { error: clipSkip } = await generate(request({ width: 128, height: 128, steps: 1, clipSkip: 3 })); // easel-tiny: 1-2
    expect(clipSkip?.metadata.get('easel-error-field')).toEqual(['clip_skip']); // it reached the engine
  });

  it('takes the bus jobs\' path: LoRAs by model id, upscale and the NSFW check apply to direct calls too', async () => {
    const base = { width: 128, height: 128, steps: 2, seed: 7n };
    const plain = (await generate(request(base))).events.at(-1)!.event.value as diffusionv1.GenerateResult;
    const styled = await generate(request({ ...base, loraModel: ['striped'], loraStrength: [1], upscale: 2 }));
    expect(styled.error).toBeUndefined();
    const result = styled.events.at(-1)!.event.value as diffusionv1.GenerateResult;
    expect(result).toMatchObject({ width: 256, height: 256, nsfwContentDetected: false });
    expect(result.timings).toMatchObject({ upscale: expect.any(Number), safety_checker: expect.any(Number) });
    const png = Buffer.from(result.images[0].data);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([256, 256]);
    // the LoRA changed the pixels: compare at the generated size
    const downscaled = await sharp(png).resize(128, 128).raw().toBuffer();
    const original = await sharp(Buffer.from(plain.images[0].data)).raw().toBuffer();
    const meanDiff = downscaled.reduce((sum, v, i) => sum + Math.abs(v - original[i]!), 0) / original.length;
    expect(meanDiff).toBeGreaterThan(5);
    const { error: unknownLora } = await generate(request({ ...base, loraModel: ['no-such-lora'] }));
    expect(unknownLora?.code).toBe(grpc.status.NOT_FOUND);
    expect(unknownLora?.metadata.get('easel-error-field')).toEqual(['lora_model']);
    const { error: wrongCategory } = await generate(request({ ...base, modelId: 'striped' }));
    expect(wrongCategory?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(wrongCategory?.details).toMatch(/^model_id: striped is a lora model/);
  });

  it('answers INVALID_ARGUMENT naming the missing image of an img2img or inpaint request', async () => {
    const { error: img2img } = await generate(request({ kind: diffusionv1.GenerationKind.IMG2IMG, steps: 1 }));
    expect(img2img?.metadata.get('easel-error-field')).toEqual(['init_image']);
    const { error: inpaint } = await generate(request({ kind: diffusionv1.GenerationKind.INPAINT, initImage: 'aGVsbG8=', steps: 1 }));
    expect(inpaint?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(inpaint?.metadata.get('easel-error-field')).toEqual(['mask_image']);
  });

  it('answers NOT_FOUND for an unknown model', async () => {
    const { events, error } = await generate(
      request({ modelId: 'no-such-model', width: 128, height: 128, steps: 1 }),
    );
    expect(events).toEqual([]);
    expect(error?.code).toBe(grpc.status.NOT_FOUND);
    expect(error?.details).toContain('no-such-model');
  });

  it('answers INVALID_ARGUMENT naming the field for a bad width', async () => {
    const { error } = await generate(request({ width: 100, height: 128, steps: 1 }));
    expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error?.details).toMatch(/^width: .*multiple of 8/);
    expect(error?.metadata.get('easel-error-field')).toEqual(['width']);
    const { error: steps } = await generate(request({ steps: 0 }));
    expect(steps?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(steps?.details).toMatch(/^num_inference_steps: /);
  });

  it('is RESOURCE_EXHAUSTED while every slot is busy, and a client cancel aborts the engine and frees the slot', async () => {
    const engineGenerate = jest.spyOn(engine, 'generate');
    const call = client.generate(request({ width: 128, height: 128, steps: 50, seed: 1n }));
    const ended = new Promise<grpc.ServiceError | undefined>((resolve) => {
      call.on('error', resolve);
      call.on('end', () => resolve(undefined));
    });
    await new Promise<void>((resolve) => call.once('data', () => resolve())); // running: first progress event
    expect(await capacity()).toMatchObject({ slotsTotal: 1, slotsBusy: 1 });

    const { error } = await generate(request({ width: 128, height: 128, steps: 1 }));
    expect(error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);

    call.cancel();
    expect((await ended)?.code).toBe(grpc.status.CANCELLED);
    for (let i = 0; i < 100 && (await capacity()).slotsBusy !== 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect((await capacity()).slotsBusy).toBe(0);
    expect(engineGenerate).toHaveBeenCalledTimes(1); // the refused call never reached the engine
    expect(engineGenerate.mock.calls[0][2]?.signal?.aborted).toBe(true);
    await expect(engineGenerate.mock.results[0].value).rejects.toMatchObject({ code: 'cancelled' });
    engineGenerate.mockRestore();
  });

  it('reports capacity, lists, unloads and loads models', async () => {
    expect(await capacity()).toMatchObject({
      slotsTotal: 1,
      slotsBusy: 0,
      device: 'cpu',
      loadedModels: ['easel-tiny'],
    });
    const list = await unary<diffusionv1.ListModelsResponse>(
      'listModels',
      create(diffusionv1.ListModelsRequestSchema, { tenantId: 't' }),
    );
    // The bundled catalog: the base model (loaded by the generation above) and its adapters.
    expect(list.models).toEqual([
      expect.objectContaining({ modelId: 'easel-tiny', category: 'stable_diffusion', status: 'ready', loaded: true }),
      expect.objectContaining({ modelId: 'striped', category: 'lora', status: 'ready', loaded: false }),
      expect.objectContaining({ modelId: 'outlined', category: 'lora', status: 'ready', loaded: false }),
      expect.objectContaining({ modelId: 'frame', category: 'embeddings', status: 'ready', loaded: false }),
      ...['canny', 'scribble', 'segmentation'].map((modelId) => expect.objectContaining({ modelId, category: 'controlnet', status: 'ready', loaded: false })),
    ]);

    const unloaded = await unary<diffusionv1.UnloadModelResponse>(
      'unloadModel',
      create(diffusionv1.UnloadModelRequestSchema, { tenantId: 't', modelId: 'easel-tiny' }),
    );
    expect(unloaded.unloaded).toBe(true);
    expect((await capacity()).loadedModels).toEqual([]);

    const loaded = await unary<diffusionv1.LoadModelResponse>(
      'loadModel',
      create(diffusionv1.LoadModelRequestSchema, { tenantId: 't', modelId: 'easel-tiny' }),
    );
    expect(loaded.model).toMatchObject({ modelId: 'easel-tiny', loaded: true });
    expect(loaded.nativeSize).toBe(128);
    expect(loaded.bytes).toBeGreaterThan(0n);
    expect((await capacity()).loadedModels).toEqual(['easel-tiny']);

    await expect(
      unary('loadModel', create(diffusionv1.LoadModelRequestSchema, { modelId: 'nope' })),
    ).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
  });
});

describe('standard services', () => {
  it('health Check is SERVING, and NOT_SERVING after setServing(false)', async () => {
    const Health = grpc.makeGenericClientConstructor(
      healthDefinition as unknown as grpc.ServiceDefinition,
      'Health',
    );
    const health: any = new Health(address, grpc.credentials.createInsecure());
    const check = (service: string) =>
      new Promise<any>((resolve, reject) =>
        health.Check({ service }, (error: grpc.ServiceError | null, res: any) =>
          error ? reject(error) : resolve(res),
        ),
      );
    try {
      expect(await check('')).toEqual({ status: 'SERVING' });
      expect(await check(SERVICE)).toEqual({ status: 'SERVING' });
      server.setServing(false);
      expect(await check('')).toEqual({ status: 'NOT_SERVING' });
      expect(await check(SERVICE)).toEqual({ status: 'NOT_SERVING' });
      server.setServing(true);
      expect(await check(SERVICE)).toEqual({ status: 'SERVING' });
      await expect(check('no.such.Service')).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    } finally {
      health.close();
    }
  });

  it('server reflection lists the services and serves the DiffusionService descriptor', async () => {
    const protoPath = join(
      dirname(require.resolve('@grpc/reflection')),
      '../proto/grpc/reflection/v1/reflection.proto',
    );
    const pkg = grpc.loadPackageDefinition(
      loadSync(protoPath, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true }),
    ) as any;
    const reflection = new pkg.grpc.reflection.v1.ServerReflection(
      address,
      grpc.credentials.createInsecure(),
    );
    const ask = (req: object) =>
      new Promise<any>((resolve, reject) => {
        const stream = reflection.ServerReflectionInfo();
        stream.on('data', (res: any) => {
          resolve(res);
          stream.end();
        });
        stream.on('error', reject);
        stream.write(req);
      });
    try {
      const listed = await ask({ list_services: '' });
      const names = listed.list_services_response.service.map((s: { name: string }) => s.name);
      expect(names).toEqual(expect.arrayContaining([SERVICE, 'grpc.health.v1.Health']));

      const files = await ask({ file_containing_symbol: SERVICE });
      const protos = files.file_descriptor_response.file_descriptor_proto.map((b: Buffer) =>
        fromBinary(FileDescriptorProtoSchema, b),
      );
      const file = protos.find((p: any) => p.package === 'easel.diffusion.v1');
      expect(file.service[0].method.map((m: any) => m.name)).toEqual([
        'Generate',
        'ListModels',
        'LoadModel',
        'UnloadModel',
        'GetCapacity',
      ]);
      expect(file.service[0].method[0].serverStreaming).toBe(true);
    } finally {
      reflection.close();
    }
  });
});
