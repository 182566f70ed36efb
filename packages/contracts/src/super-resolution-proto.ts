import { create } from '@bufbuild/protobuf';
import { FORMATS, readFormat } from './diffusion-proto';
import { MalformedMessageError } from './malformed-message';
import { defineServiceContract } from './service-contract';
import {
  SUPER_RESOLUTION_KIND,
  SUPER_RESOLUTION_SERVICE,
  type SuperResolutionParams,
} from './super-resolution';
import {
  SuperResolutionRequestSchema,
  type SuperResolutionRequest,
} from './gen/easel/super_resolution/v1/super_resolution_pb';

const IMAGE_FIELDS: readonly SuperResolutionParams['imageField'][] = ['url', 'init_image'];
const SCALES: readonly SuperResolutionParams['scale'][] = [2, 3, 4];

/**
 * Every field of `SuperResolutionParams` and its place in `SuperResolutionRequest`; like the
 * generation table, a field added without an entry here fails typecheck.
 */
const FIELDS: {
  [K in keyof SuperResolutionParams]-?: {
    write(value: SuperResolutionParams[K], into: SuperResolutionRequest): void;
    read(from: SuperResolutionRequest): SuperResolutionParams[K];
  };
} = {
  kind: { write: () => undefined, read: () => SUPER_RESOLUTION_KIND },
  image: {
    write: (value, into) => void (into.image = value),
    read: (from) => {
      if (!from.image) throw new MalformedMessageError('super_resolution request has no image');
      return from.image;
    },
  },
  imageField: {
    write: (value, into) => void (into.imageField = value),
    read: (from) => {
      const field = IMAGE_FIELDS.find((f) => f === from.imageField);
      if (!field)
        throw new MalformedMessageError(
          `super_resolution request has an unknown image_field (${from.imageField})`,
        );
      return field;
    },
  },
  scale: {
    write: (value, into) => void (into.scale = value),
    read: (from) => {
      const scale = SCALES.find((s) => s === from.scale);
      if (!scale)
        throw new MalformedMessageError(`super_resolution request has a scale of ${from.scale} (2, 3 or 4)`);
      return scale;
    },
  },
  upscaleModel: {
    write: (value, into) => void (into.upscaleModel = value),
    read: (from) => {
      if (!from.upscaleModel)
        throw new MalformedMessageError('super_resolution request has no upscale_model');
      return from.upscaleModel;
    },
  },
  modelId: {
    write: (value, into) => void (into.modelId = value ?? undefined),
    read: (from) => from.modelId ?? null,
  },
  outputFormat: { write: (value, into) => void (into.outputFormat = FORMATS[value]), read: readFormat },
  base64: { write: (value, into) => void (into.base64 = value), read: (from) => from.base64 },
  temp: { write: (value, into) => void (into.temp = value ?? false), read: (from) => from.temp },
  faceModel: {
    write: (value, into) => void (into.faceModel = value ?? undefined),
    read: (from) => from.faceModel ?? null,
  },
};

const FIELD_NAMES = Object.keys(FIELDS) as (keyof SuperResolutionParams)[];

/** A bus job's request leaves `tenant_id` unset (the envelope carries it); direct gRPC callers set it. */
export function toSuperResolutionRequest(params: SuperResolutionParams): SuperResolutionRequest {
  const message = create(SuperResolutionRequestSchema);
  for (const name of FIELD_NAMES)
    (FIELDS[name].write as (value: unknown, into: SuperResolutionRequest) => void)(params[name], message);
  return message;
}

/** Throws MalformedMessageError when a field is missing or out of range. */
export function fromSuperResolutionRequest(message: SuperResolutionRequest): SuperResolutionParams {
  const params: Partial<Record<keyof SuperResolutionParams, unknown>> = {};
  for (const name of FIELD_NAMES) params[name] = FIELDS[name].read(message);
  return params as SuperResolutionParams;
}

/** The super_resolution service on the bus. */
export const SUPER_RESOLUTION_CONTRACT = defineServiceContract({
  name: SUPER_RESOLUTION_SERVICE,
  kinds: [SUPER_RESOLUTION_KIND],
  requestCase: 'superResolution',
  protoFile: 'easel/super_resolution/v1/super_resolution.proto',
  toRequest: toSuperResolutionRequest,
  fromRequest: fromSuperResolutionRequest,
});
