import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { DiffusionParams } from './diffusion';
import { GenerateRequestSchema, GenerationKind, OutputFormat } from './gen/easel/diffusion/v1/diffusion_pb';
import { JobPayloadSchema } from './gen/easel/jobs/v1/job_pb';
import { decodeJobPayload, encodeJobPayload, type JobPayload } from './job-payload';
import { SUPER_RESOLUTION_KIND, type SuperResolutionParams } from './super-resolution';
import type { FaceRestoreParams, ImageEditingParams, ObjectRemovalParams } from './image-editing';
import { MalformedMessageError } from './malformed-message';

/** Every field away from its default (`Required` so that a new DiffusionParams field must be set here too). */
const everything: Required<DiffusionParams> = {
  kind: 'inpaint',
  prompt: 'a red circle',
  negativePrompt: 'blurry',
  width: 256,
  height: 192,
  samples: 3,
  steps: 37,
  guidanceScale: 4.25,
  seed: 2 ** 53 - 17,
  scheduler: 'DPMSolverMultistepScheduler',
  useKarrasSigmas: true,
  algorithmType: 'sde-dpmsolver++',
  clipSkip: 2,
  strength: 0.35,
  initImage: 'https://example.com/init.png',
  maskImage: 'data:image/png;base64,iVBORw0KGgo=',
  outputFormat: 'webp',
  temp: true,
  highresFix: true,
  highresFixStrength: 0.45,
  panorama: true,
  selfAttention: true,
  multiLingual: true,
  enhancePrompt: true,
  safetyChecker: false,
  safetyCheckerType: 'pixelate',
  upscale: 3,
  loraModel: ['striped', 'outlined'],
  loraStrength: [0.8, 0.6],
  embeddingsModel: ['heart'],
  outpaint: null,
  refinerModel: 'sdxl-refiner-random',
};

/** Every nullable field null, the rest at other values. */
const nulls: DiffusionParams = {
  ...everything,
  kind: 'text2img',
  negativePrompt: null,
  width: null,
  height: null,
  seed: null,
  scheduler: null,
  algorithmType: null,
  strength: null,
  initImage: null,
  maskImage: null,
  outputFormat: 'jpeg',
  useKarrasSigmas: false,
  temp: false,
  highresFixStrength: null,
  refinerModel: null,
  upscale: null,
  loraModel: [],
  loraStrength: [],
  embeddingsModel: [],
  highresFix: false,
  panorama: false,
  selfAttention: false,
  multiLingual: false,
  enhancePrompt: false,
};

const job = (
  params: DiffusionParams,
  modelId: string | null = 'easel-tiny',
): JobPayload<DiffusionParams> => ({
  jobId: 9_007_199_254_740_000,
  tenantId: 'tenant-a',
  kind: params.kind,
  modelId,
  artifactToken: 'tok-123',
  params,
});

describe('job payload on the bus', () => {
  it.each([
    ['every field set', everything, 'easel-tiny'],
    ['every nullable field null', nulls, null],
  ] as const)('round-trips with %s', (_name, params, modelId) => {
    const payload = job(params, modelId);
    const decoded = decodeJobPayload(encodeJobPayload(payload));
    expect(decoded).toEqual(payload);
    expect(Object.keys(decoded.params).sort()).toEqual(Object.keys(everything).sort());
  });

  it('is the binary easel.jobs.v1.JobPayload carrying a diffusion.v1.GenerateRequest', () => {
    const message = fromBinary(JobPayloadSchema, encodeJobPayload(job(everything)));
    expect(message).toMatchObject({
      jobId: 9_007_199_254_740_000n,
      tenantId: 'tenant-a',
      kind: 'inpaint',
      modelId: 'easel-tiny',
      artifactToken: 'tok-123',
    });
    expect(message.request.case).toBe('diffusion');
    expect(message.request.value).toMatchObject({
      jobId: 9_007_199_254_740_000n,
      tenantId: 'tenant-a',
      kind: GenerationKind.INPAINT,
      prompt: 'a red circle',
      seed: BigInt(2 ** 53 - 17),
      guidanceScale: 4.25,
      outputFormat: OutputFormat.WEBP,
      maskImage: 'data:image/png;base64,iVBORw0KGgo=',
    });
    const unset = fromBinary(JobPayloadSchema, encodeJobPayload(job(nulls, null)));
    expect(unset.modelId).toBeUndefined();
    if (unset.request.case !== 'diffusion') throw new Error('not a diffusion request');
    const request = unset.request.value;
    for (const field of [
      'negativePrompt',
      'width',
      'height',
      'seed',
      'scheduler',
      'algorithmType',
      'strength',
      'initImage',
      'maskImage',
    ] as const)
      expect(request[field]).toBeUndefined(); // null travels as an unset proto3 optional
  });

  it('round-trips a super_resolution job as a SuperResolutionRequest', () => {
    const params: Required<SuperResolutionParams> = {
      kind: SUPER_RESOLUTION_KIND,
      image: 'https://example.com/a.png',
      imageField: 'url',
      scale: 3,
      upscaleModel: 'esrgan-medium',
      modelId: 'RealESRGAN_x4plus',
      outputFormat: 'jpeg',
      base64: true,
      temp: true,
      faceModel: 'gfpgan-v1.4',
    };
    const payload: JobPayload = {
      jobId: 7,
      tenantId: 't',
      kind: SUPER_RESOLUTION_KIND,
      modelId: null,
      artifactToken: 'a',
      params,
    };
    const bytes = encodeJobPayload(payload);
    expect(fromBinary(JobPayloadSchema, bytes).request.case).toBe('superResolution');
    expect(decodeJobPayload(bytes)).toEqual(payload);
    expect(
      decodeJobPayload(encodeJobPayload({ ...payload, params: { ...params, modelId: null } })).params,
    ).toMatchObject({ modelId: null });
    expect(() =>
      decodeJobPayload(encodeJobPayload({ ...payload, params: { ...params, scale: 5 as never } })),
    ).toThrow(MalformedMessageError);
  });

  it('round-trips an outpaint job (a diffusion kind) with its canvas, both ways of growing it', () => {
    const sides = { left: 16, right: 0, top: 8, bottom: 24 };
    for (const outpaint of [
      { extend: sides, overlapWidth: 10 },
      { extend: null, overlapWidth: 0 },
    ]) {
      const params: DiffusionParams = {
        ...nulls,
        kind: 'outpaint',
        initImage: 'https://example.com/a.png',
        width: 1280,
        height: 720,
        outpaint,
      };
      const bytes = encodeJobPayload(job(params));
      const message = fromBinary(JobPayloadSchema, bytes);
      expect(message.request.case === 'diffusion' && message.request.value.kind).toBe(
        GenerationKind.OUTPAINT,
      );
      expect(decodeJobPayload(bytes).params).toEqual(params);
    }
    const withoutCanvas = create(GenerateRequestSchema, {
      prompt: 'x',
      samples: 1,
      steps: 2,
      guidanceScale: 7.5,
      clipSkip: 1,
      kind: GenerationKind.OUTPAINT,
    });
    const bytes = toBinary(
      JobPayloadSchema,
      create(JobPayloadSchema, {
        jobId: 5n,
        tenantId: 't',
        kind: 'outpaint',
        artifactToken: 'a',
        request: { case: 'diffusion', value: withoutCanvas },
      }),
    );
    expect(() => decodeJobPayload(bytes)).toThrow(/no outpaint canvas/);
  });

  it('round-trips the image_editing kinds (removebg_mask, object_removal, face_restore) and refuses out-of-range fields', () => {
    const cases: ImageEditingParams[] = [
      {
        kind: 'object_removal',
        image: 'https://example.com/a.png',
        maskImage: null,
        colour: 'red',
        maskDilate: 3,
        fillRadius: 5,
        base64: false,
        temp: true,
      },
      {
        kind: 'object_removal',
        image: 'data:image/png;base64,AA',
        maskImage: 'https://example.com/m.png',
        colour: null,
        maskDilate: 0,
        fillRadius: 1,
        base64: true,
        temp: false,
      },
      {
        kind: 'face_restore',
        image: 'https://example.com/a.png',
        faceModel: 'gfpgan-v1.4',
        fidelity: 0.5,
        base64: false,
        temp: false,
      },
    ];
    for (const params of cases) {
      const payload: JobPayload = {
        jobId: 3,
        tenantId: 't',
        kind: params.kind,
        modelId: null,
        artifactToken: 'a',
        params,
      };
      expect(decodeJobPayload(encodeJobPayload(payload))).toEqual(payload);
    }
    const bad = (params: ImageEditingParams) => () =>
      decodeJobPayload(
        encodeJobPayload({
          jobId: 3,
          tenantId: 't',
          kind: params.kind,
          modelId: null,
          artifactToken: 'a',
          params,
        }),
      );
    expect(bad({ ...(cases[0] as ObjectRemovalParams), colour: 'teal' })).toThrow(/unknown colour/);
    expect(bad({ ...(cases[0] as ObjectRemovalParams), colour: null })).toThrow(/no mask_image or colour/);
    expect(bad({ ...(cases[0] as ObjectRemovalParams), maskDilate: 99 })).toThrow(/mask_dilate 99/);
    expect(bad({ ...(cases[2] as FaceRestoreParams), fidelity: 2 })).toThrow(/fidelity 2/);
  });

  it('decodes super_resolution jobs queued before the message moved to easel.super_resolution.v1 (same wire bytes)', () => {
    // Encoded by the previous release, when SuperResolutionRequest lived in easel.diffusion.v1.
    const before = Buffer.from(
      '082a120274311a1073757065725f7265736f6c7574696f6e220b65737267616e2d736c696d2a03746f6b5a330a1968747470733a2f2f6578616d706c652e636f6d2f612e706e67120375726c1804220b65737267616e2d736c696d30033801',
      'hex',
    );
    const payload: JobPayload = {
      jobId: 42,
      tenantId: 't1',
      kind: SUPER_RESOLUTION_KIND,
      modelId: 'esrgan-slim',
      artifactToken: 'tok',
      params: {
        kind: SUPER_RESOLUTION_KIND,
        image: 'https://example.com/a.png',
        imageField: 'url',
        scale: 4,
        upscaleModel: 'esrgan-slim',
        modelId: null,
        outputFormat: 'webp',
        base64: true,
        temp: false,
        faceModel: null,
      },
    };
    expect(decodeJobPayload(before)).toEqual(payload);
    expect(Buffer.from(encodeJobPayload(payload)).equals(before)).toBe(true);
  });

  it('refuses to encode a job whose kind no service runs', () => {
    expect(() => encodeJobPayload({ ...job(everything), kind: 'text_to_music' })).toThrow(/no service runs it/);
  });

  const generate = (fields: Parameters<typeof create<typeof GenerateRequestSchema>>[1]) =>
    create(GenerateRequestSchema, {
      prompt: 'x',
      samples: 1,
      steps: 2,
      guidanceScale: 7.5,
      clipSkip: 1,
      ...fields,
    });
  const envelope = (request?: ReturnType<typeof generate>) =>
    toBinary(
      JobPayloadSchema,
      create(JobPayloadSchema, {
        jobId: 5n,
        tenantId: 't',
        kind: 'text2img',
        artifactToken: 'a',
        request: request ? { case: 'diffusion', value: request } : undefined,
      }),
    );

  it('reads an unspecified kind from the images sent, and an unspecified format as png', () => {
    expect(decodeJobPayload(envelope(generate({}))).params).toMatchObject({
      kind: 'text2img',
      outputFormat: 'png',
    });
    expect(decodeJobPayload(envelope(generate({ initImage: 'i' }))).params.kind).toBe('img2img');
    expect(decodeJobPayload(envelope(generate({ initImage: 'i', maskImage: 'm' }))).params.kind).toBe(
      'inpaint',
    );
  });

  it.each([
    ['empty bytes', new Uint8Array()],
    [
      'the old JSON encoding',
      new TextEncoder().encode(
        JSON.stringify({
          jobId: 5,
          tenantId: 't',
          kind: 'text2img',
          modelId: null,
          artifactToken: 'a',
          params: {},
        }),
      ),
    ],
    ['random bytes', Uint8Array.from({ length: 64 }, (_, i) => (i * 73 + 41) % 256)],
    ['a truncated message', encodeJobPayload(job(everything)).subarray(0, 40)],
    ['an envelope without a request', envelope()],
    ['a request without steps', envelope(generate({ steps: undefined }))],
    ['a request with an unknown kind', envelope(generate({ kind: 99 as GenerationKind }))],
    ['a seed beyond 2^53', envelope(generate({ seed: 2n ** 60n }))],
  ])('rejects %s with a MalformedMessageError', (_name, bytes) => {
    expect(() => decodeJobPayload(bytes)).toThrow(MalformedMessageError);
    expect(() => decodeJobPayload(bytes)).toThrow(/^malformed job payload: /);
  });
});
