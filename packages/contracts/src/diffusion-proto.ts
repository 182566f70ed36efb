import { create } from '@bufbuild/protobuf';
import type { DiffusionParams, DirectDiffusionParams, SafetyReplacement } from './diffusion';
import { MalformedMessageError } from './malformed-message';
import { defineServiceContract, type JobIdentity } from './service-contract';
import { DIFFUSION_SERVICE, DIFFUSION_SERVICE_KINDS } from './diffusion';
import {
  GenerateRequestSchema,
  GenerationKind,
  OutpaintSchema,
  OutputFormat,
  type GenerateRequest,
} from './gen/easel/diffusion/v1/diffusion_pb';

/** How one `DiffusionParams` field is written into `GenerateRequest` and read back. */
interface FieldMapping<K extends keyof DiffusionParams> {
  write(value: DiffusionParams[K], into: GenerateRequest): void;
  /** `direct`: a direct gRPC call, which may leave the engine-defaulted fields unset. */
  read(from: GenerateRequest, direct: boolean): DiffusionParams[K];
}

/** Proto fields whose TS value is T | undefined. */
type OptionalProtoKey<T> = {
  [K in keyof GenerateRequest]-?: undefined extends GenerateRequest[K]
    ? Exclude<GenerateRequest[K], undefined> extends T
      ? K
      : never
    : never;
}[keyof GenerateRequest];
/** Proto fields whose TS value is exactly T. */
type PlainProtoKey<T> = {
  [K in keyof GenerateRequest]-?: GenerateRequest[K] extends T
    ? T extends GenerateRequest[K]
      ? K
      : never
    : never;
}[keyof GenerateRequest];

/** A field of the same type on both sides (`string`, `boolean`). */
const same = <T extends string | boolean>(key: PlainProtoKey<T>) => ({
  write: (value: T, into: GenerateRequest) => void ((into as unknown as Record<string, T>)[key] = value),
  read: (from: GenerateRequest) => from[key] as unknown as T,
});

/** `T | null` ↔ a proto3 `optional` field (null = unset). */
const nullable = <T extends string | number>(key: OptionalProtoKey<T>) => ({
  write: (value: T | null, into: GenerateRequest) =>
    void ((into as unknown as Record<string, T | undefined>)[key] = value ?? undefined),
  read: (from: GenerateRequest) => (from[key] as unknown as T | undefined) ?? null,
});

/** A value the gateway always sets ↔ a proto3 `optional` field (unset only for direct gRPC calls, whose defaults the engine applies). */
const required = <T extends number>(key: OptionalProtoKey<T>, name: string) => ({
  write: (value: T, into: GenerateRequest) => void ((into as unknown as Record<string, T>)[key] = value),
  read: (from: GenerateRequest, direct: boolean): T => {
    const value = from[key] as unknown as T | undefined;
    if (value === undefined && !direct) throw new MalformedMessageError(`diffusion request has no ${name}`);
    return value as T;
  },
});

/** An optional DiffusionParams flag (absent in rows queued before it existed = off) ↔ a proto3 bool. */
const flag = (key: PlainProtoKey<boolean>) => ({
  write: (value: boolean | undefined, into: GenerateRequest) =>
    void ((into as unknown as Record<string, boolean>)[key] = value ?? false),
  read: (from: GenerateRequest) => from[key] as unknown as boolean,
});

const SAFETY_REPLACEMENTS: readonly SafetyReplacement[] = ['blank', 'blur', 'pixelate', 'black'];
const UPSCALES = [2, 3, 4] as const;

function readSafetyCheckerType(from: GenerateRequest): SafetyReplacement | undefined {
  if (from.safetyCheckerType === undefined) return undefined;
  const type = SAFETY_REPLACEMENTS.find((t) => t === from.safetyCheckerType);
  if (!type)
    throw new MalformedMessageError(
      `diffusion request has an unknown safety_checker_type (${from.safetyCheckerType})`,
    );
  return type;
}

function readUpscale(from: GenerateRequest): DiffusionParams['upscale'] {
  if (from.upscale === undefined) return null;
  const factor = UPSCALES.find((u) => u === from.upscale);
  if (!factor)
    throw new MalformedMessageError(`diffusion request has an upscale of ${from.upscale} (2, 3 or 4)`);
  return factor;
}

/** An optional DiffusionParams list (absent in rows queued before it existed = empty) ↔ a repeated proto field. */
const list = <T extends string | number>(key: 'loraModel' | 'loraStrength' | 'embeddingsModel') => ({
  write: (value: T[] | undefined, into: GenerateRequest) =>
    void ((into as unknown as Record<string, T[]>)[key] = [...(value ?? [])]),
  read: (from: GenerateRequest) => [...(from[key] as unknown as T[])],
});

const KINDS: Record<DiffusionParams['kind'], GenerationKind> = {
  text2img: GenerationKind.TEXT2IMG,
  img2img: GenerationKind.IMG2IMG,
  inpaint: GenerationKind.INPAINT,
  outpaint: GenerationKind.OUTPAINT,
};

/** The proto's limit on overlap_width (the gateway's field table allows 0–42). */
const MAX_OVERLAP = 64;

function readOutpaint(from: GenerateRequest): DiffusionParams['outpaint'] {
  const o = from.outpaint;
  if (!o) {
    if (from.kind === GenerationKind.OUTPAINT)
      throw new MalformedMessageError('outpaint request has no outpaint canvas');
    return null;
  }
  const sides = [o.left, o.right, o.top, o.bottom];
  if (sides.some((v) => v < 0) || o.overlapWidth < 0 || o.overlapWidth > MAX_OVERLAP)
    throw new MalformedMessageError(
      `outpaint request has a negative side or an overlap_width of ${o.overlapWidth}`,
    );
  const extend = sides.some((v) => v > 0)
    ? { left: o.left, right: o.right, top: o.top, bottom: o.bottom }
    : null;
  return { extend, overlapWidth: o.overlapWidth };
}

export const FORMATS: Record<DiffusionParams['outputFormat'], OutputFormat> = {
  png: OutputFormat.PNG,
  jpeg: OutputFormat.JPEG,
  webp: OutputFormat.WEBP,
};

function readKind(from: GenerateRequest): DiffusionParams['kind'] {
  // UNSPECIFIED: inferred from the images sent, as the proto documents.
  if (from.kind === GenerationKind.UNSPECIFIED)
    return from.maskImage ? 'inpaint' : from.initImage ? 'img2img' : 'text2img';
  const kind = keyOf(KINDS, from.kind);
  if (!kind) throw new MalformedMessageError(`diffusion request has an unknown kind (${from.kind})`);
  return kind;
}

export function readFormat(from: { outputFormat: OutputFormat }): DiffusionParams['outputFormat'] {
  if (from.outputFormat === OutputFormat.UNSPECIFIED) return 'png';
  const format = keyOf(FORMATS, from.outputFormat);
  if (!format)
    throw new MalformedMessageError(`diffusion request has an unknown output_format (${from.outputFormat})`);
  return format;
}

export const keyOf = <K extends string, V>(table: Record<K, V>, value: V) =>
  (Object.keys(table) as K[]).find((k) => table[k] === value);

/**
 * Every field of `DiffusionParams`, each with its place in `easel.diffusion.v1.GenerateRequest`.
 * The type requires one entry per field: a field added to DiffusionParams without a mapping
 * here fails typecheck (add the proto field additively, regenerate, then map it).
 */
const FIELDS: { [K in keyof DiffusionParams]-?: FieldMapping<K> } = {
  kind: { write: (value, into) => void (into.kind = KINDS[value]), read: readKind },
  prompt: same<string>('prompt'),
  negativePrompt: nullable<string>('negativePrompt'),
  width: nullable<number>('width'),
  height: nullable<number>('height'),
  samples: required<number>('samples', 'samples'),
  steps: required<number>('steps', 'steps'),
  guidanceScale: required<number>('guidanceScale', 'guidance_scale'),
  seed: {
    write: (value, into) =>
      void (into.seed = value === null || value === undefined ? undefined : BigInt(value)), // undefined: a row stored before the field existed
    read: (from) => {
      if (from.seed === undefined) return null;
      if (from.seed > BigInt(Number.MAX_SAFE_INTEGER))
        throw new MalformedMessageError(`diffusion request has a seed above 2^53 (${from.seed})`);
      return Number(from.seed);
    },
  },
  scheduler: nullable<string>('scheduler'),
  useKarrasSigmas: same<boolean>('useKarrasSigmas'),
  algorithmType: nullable<string>('algorithmType'),
  clipSkip: required<number>('clipSkip', 'clip_skip'),
  strength: nullable<number>('strength'),
  initImage: nullable<string>('initImage'),
  maskImage: nullable<string>('maskImage'),
  outputFormat: { write: (value, into) => void (into.outputFormat = FORMATS[value]), read: readFormat },
  temp: same<boolean>('temp'),
  highresFix: flag('highresFix'),
  highresFixStrength: nullable<number>('highresFixStrength'),
  panorama: flag('panorama'),
  selfAttention: flag('selfAttention'),
  multiLingual: flag('multiLingual'),
  enhancePrompt: flag('enhancePrompt'),
  safetyChecker: {
    write: (value, into) => void (into.safetyChecker = value),
    read: (from) => from.safetyChecker,
  },
  safetyCheckerType: {
    write: (value, into) => void (into.safetyCheckerType = value),
    read: readSafetyCheckerType,
  },
  upscale: { write: (value, into) => void (into.upscale = value ?? undefined), read: readUpscale },
  loraModel: list<string>('loraModel'),
  loraStrength: list<number>('loraStrength'),
  embeddingsModel: list<string>('embeddingsModel'),
  outpaint: {
    write: (value, into) =>
      void (into.outpaint = value
        ? create(OutpaintSchema, { ...(value.extend ?? {}), overlapWidth: value.overlapWidth })
        : undefined),
    read: readOutpaint,
  },
  refinerModel: nullable<string>('refinerModel'),
};

const FIELD_NAMES = Object.keys(FIELDS) as (keyof DiffusionParams)[];

/** The job's identity fields that GenerateRequest repeats from the envelope. */
export type GenerateRequestIdentity = JobIdentity;

export function toGenerateRequest(
  params: DiffusionParams,
  identity: GenerateRequestIdentity,
): GenerateRequest {
  const message = create(GenerateRequestSchema, {
    jobId: BigInt(identity.jobId),
    tenantId: identity.tenantId,
    modelId: identity.modelId ?? undefined,
    artifactToken: identity.artifactToken,
  });
  for (const name of FIELD_NAMES) (FIELDS[name] as FieldMapping<typeof name>).write(params[name], message);
  return message;
}

/** A job's request from the bus. Throws MalformedMessageError when a field the gateway always sets is missing or out of range. */
export function fromGenerateRequest(message: GenerateRequest): DiffusionParams {
  return readFields(message, false) as DiffusionParams;
}

/** A direct gRPC call's request: the engine-defaulted fields may be unset. Throws MalformedMessageError for values out of range. */
export function fromDirectGenerateRequest(message: GenerateRequest): DirectDiffusionParams {
  return readFields(message, true) as DirectDiffusionParams;
}

function readFields(
  message: GenerateRequest,
  direct: boolean,
): Partial<Record<keyof DiffusionParams, unknown>> {
  const params: Partial<Record<keyof DiffusionParams, unknown>> = {};
  for (const name of FIELD_NAMES) params[name] = FIELDS[name].read(message, direct);
  return params;
}

/** The diffusion service on the bus: text2img, img2img and inpaint as `GenerateRequest`. */
export const DIFFUSION_CONTRACT = defineServiceContract({
  name: DIFFUSION_SERVICE,
  kinds: DIFFUSION_SERVICE_KINDS,
  requestCase: 'diffusion',
  protoFile: 'easel/diffusion/v1/diffusion.proto',
  toRequest: toGenerateRequest,
  fromRequest: fromGenerateRequest,
});
