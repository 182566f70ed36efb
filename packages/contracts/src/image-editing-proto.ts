import { create } from '@bufbuild/protobuf';
import {
  EditRequestSchema,
  FaceRestoreSchema,
  ObjectRemovalSchema,
  RemoveBackgroundSchema,
  type EditRequest,
  type FaceRestore,
  type ObjectRemoval,
  type RemoveBackground,
} from './gen/easel/image_editing/v1/image_editing_pb';
import {
  FACE_RESTORE_KIND,
  IMAGE_EDITING_KINDS,
  IMAGE_EDITING_SERVICE,
  OBJECT_REMOVAL_COLOURS,
  OBJECT_REMOVAL_KIND,
  REMOVE_BACKGROUND_KIND,
  type FaceRestoreParams,
  type ImageEditingParams,
  type ObjectRemovalParams,
  type RemoveBackgroundParams,
} from './image-editing';
import { MalformedMessageError } from './malformed-message';
import { defineServiceContract } from './service-contract';

/** The limits object_removal's fields travel within (the gateway's field table uses the same). */
export const OBJECT_REMOVAL_LIMITS = {
  maskDilate: { min: 0, max: 32 },
  fillRadius: { min: 1, max: 32 },
} as const;

function inRange(value: number, min: number, max: number, name: string, kind = 'removebg_mask'): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new MalformedMessageError(`${kind} request has ${name} ${value} (${min}-${max})`);
  return value;
}

function toRemoveBackground(p: RemoveBackgroundParams): RemoveBackground {
  return create(RemoveBackgroundSchema, {
    image: p.image,
    onlyMask: p.onlyMask,
    inverseMask: p.inverseMask,
    alphaMatting: p.alphaMatting,
    alphaMattingForegroundThreshold: p.alphaMattingForegroundThreshold,
    alphaMattingBackgroundThreshold: p.alphaMattingBackgroundThreshold,
    alphaMattingErodeSize: p.alphaMattingErodeSize,
    postProcessMask: p.postProcessMask,
    seed: BigInt(p.seed),
    base64: p.base64,
    temp: p.temp,
  });
}

function fromRemoveBackground(m: RemoveBackground): RemoveBackgroundParams {
  if (!m.image) throw new MalformedMessageError('removebg_mask request has no image');
  return {
    kind: REMOVE_BACKGROUND_KIND,
    image: m.image,
    onlyMask: m.onlyMask,
    inverseMask: m.inverseMask,
    alphaMatting: m.alphaMatting,
    alphaMattingForegroundThreshold: inRange(
      m.alphaMattingForegroundThreshold,
      0,
      240,
      'foreground threshold',
    ),
    alphaMattingBackgroundThreshold: inRange(
      m.alphaMattingBackgroundThreshold,
      0,
      20,
      'background threshold',
    ),
    alphaMattingErodeSize: inRange(m.alphaMattingErodeSize, 0, 5, 'erode size'),
    postProcessMask: m.postProcessMask,
    seed: inRange(Number(m.seed), 0, 2 ** 32 - 1, 'seed'),
    base64: m.base64,
    temp: m.temp,
  };
}

function toObjectRemoval(p: ObjectRemovalParams): ObjectRemoval {
  return create(ObjectRemovalSchema, {
    image: p.image,
    maskImage: p.maskImage ?? undefined,
    colour: p.colour ?? undefined,
    maskDilate: p.maskDilate,
    fillRadius: p.fillRadius,
    base64: p.base64,
    temp: p.temp,
  });
}

function fromObjectRemoval(m: ObjectRemoval): ObjectRemovalParams {
  const kind = OBJECT_REMOVAL_KIND;
  if (!m.image) throw new MalformedMessageError('object_removal request has no image');
  if (!m.maskImage && !m.colour)
    throw new MalformedMessageError('object_removal request has no mask_image or colour');
  if (m.colour !== undefined && !(m.colour in OBJECT_REMOVAL_COLOURS))
    throw new MalformedMessageError(`object_removal request has an unknown colour (${m.colour})`);
  const { maskDilate: dilate, fillRadius: radius } = OBJECT_REMOVAL_LIMITS;
  return {
    kind,
    image: m.image,
    maskImage: m.maskImage ?? null,
    colour: m.colour ?? null,
    maskDilate: inRange(m.maskDilate, dilate.min, dilate.max, 'mask_dilate', kind),
    fillRadius: inRange(m.fillRadius, radius.min, radius.max, 'fill_radius', kind),
    base64: m.base64,
    temp: m.temp,
  };
}

function toFaceRestore(p: FaceRestoreParams): FaceRestore {
  return create(FaceRestoreSchema, {
    image: p.image,
    faceModel: p.faceModel,
    fidelity: p.fidelity,
    base64: p.base64,
    temp: p.temp,
  });
}

function fromFaceRestore(m: FaceRestore): FaceRestoreParams {
  if (!m.image) throw new MalformedMessageError('face_restore request has no image');
  if (!m.faceModel) throw new MalformedMessageError('face_restore request has no face_model');
  if (!(m.fidelity >= 0 && m.fidelity <= 1))
    throw new MalformedMessageError(`face_restore request has fidelity ${m.fidelity} (0-1)`);
  return {
    kind: FACE_RESTORE_KIND,
    image: m.image,
    faceModel: m.faceModel,
    fidelity: m.fidelity,
    base64: m.base64,
    temp: m.temp,
  };
}

/** A bus job's request leaves `tenant_id` unset (the envelope carries it); direct gRPC callers set it. */
export function toEditRequest(params: ImageEditingParams): EditRequest {
  switch (params.kind) {
    case REMOVE_BACKGROUND_KIND:
      return create(EditRequestSchema, { edit: { case: 'removebgMask', value: toRemoveBackground(params) } });
    case OBJECT_REMOVAL_KIND:
      return create(EditRequestSchema, { edit: { case: 'objectRemoval', value: toObjectRemoval(params) } });
    case FACE_RESTORE_KIND:
      return create(EditRequestSchema, { edit: { case: 'faceRestore', value: toFaceRestore(params) } });
  }
}

/** Throws MalformedMessageError when no edit is set or a field is out of range. */
export function fromEditRequest(message: EditRequest): ImageEditingParams {
  switch (message.edit.case) {
    case 'removebgMask':
      return fromRemoveBackground(message.edit.value);
    case 'objectRemoval':
      return fromObjectRemoval(message.edit.value);
    case 'faceRestore':
      return fromFaceRestore(message.edit.value);
    default:
      throw new MalformedMessageError('image_editing request has no edit');
  }
}

/** The image_editing service on the bus. */
export const IMAGE_EDITING_CONTRACT = defineServiceContract({
  name: IMAGE_EDITING_SERVICE,
  kinds: IMAGE_EDITING_KINDS,
  requestCase: 'imageEditing',
  protoFile: 'easel/image_editing/v1/image_editing.proto',
  toRequest: toEditRequest,
  fromRequest: fromEditRequest,
});
