import { create } from '@bufbuild/protobuf';
import {
  EditRequestSchema,
  RemoveBackgroundSchema,
  type EditRequest,
  type RemoveBackground,
} from './gen/easel/image_editing/v1/image_editing_pb';
import {
  IMAGE_EDITING_KINDS,
  IMAGE_EDITING_SERVICE,
  REMOVE_BACKGROUND_KIND,
  type ImageEditingParams,
  type RemoveBackgroundParams,
} from './image-editing';
import { MalformedMessageError } from './malformed-message';
import { defineServiceContract } from './service-contract';

function inRange(value: number, min: number, max: number, name: string): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new MalformedMessageError(`removebg_mask request has ${name} ${value} (${min}-${max})`);
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

export function toEditRequest(params: ImageEditingParams): EditRequest {
  return create(EditRequestSchema, { edit: { case: 'removebgMask', value: toRemoveBackground(params) } });
}

/** Throws MalformedMessageError when no edit is set or a field is out of range. */
export function fromEditRequest(message: EditRequest): ImageEditingParams {
  switch (message.edit.case) {
    case 'removebgMask':
      return fromRemoveBackground(message.edit.value);
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
