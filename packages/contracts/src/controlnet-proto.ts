import { create } from '@bufbuild/protobuf';
import { CONTROLNET_KIND, CONTROLNET_KINDS, CONTROLNET_SERVICE, type ControlNetParams } from './controlnet';
import { fromGenerateRequest, toGenerateRequest } from './diffusion-proto';
import { GenerateRequestSchema, type GenerateRequest } from './gen/easel/controlnet/v1/controlnet_pb';
import { MalformedMessageError } from './malformed-message';
import { defineServiceContract, type JobIdentity } from './service-contract';

export function toControlNetRequest(params: ControlNetParams, identity: JobIdentity): GenerateRequest {
  return create(GenerateRequestSchema, {
    generation: toGenerateRequest(params.generation, identity),
    controlnets: params.controlnets.map((c) => ({
      controlnetModel: c.model,
      controlnetType: c.type,
      conditioningScale: c.scale,
      guidanceStart: c.guidanceStart ?? undefined,
      guidanceEnd: c.guidanceEnd ?? undefined,
    })),
    controlImage: params.controlImage ?? undefined,
    autoHint: params.autoHint,
    guessMode: params.guessMode,
  });
}

/** Throws MalformedMessageError when the generation or every ControlNet is missing. */
export function fromControlNetRequest(message: GenerateRequest): ControlNetParams {
  if (!message.generation) throw new MalformedMessageError('controlnet request has no generation');
  if (message.controlnets.length === 0) throw new MalformedMessageError('controlnet request names no ControlNet');
  const generation = fromGenerateRequest(message.generation);
  return {
    kind: CONTROLNET_KIND,
    generation,
    controlnets: message.controlnets.map((c) => {
      if (!c.controlnetModel) throw new MalformedMessageError('controlnet request has a ControlNet without a model');
      return {
        model: c.controlnetModel,
        type: c.controlnetType || c.controlnetModel,
        scale: c.conditioningScale,
        guidanceStart: c.guidanceStart ?? null,
        guidanceEnd: c.guidanceEnd ?? null,
      };
    }),
    controlImage: message.controlImage ?? null,
    autoHint: message.autoHint,
    guessMode: message.guessMode,
    temp: generation.temp,
  };
}

/** The controlnet service on the bus. */
export const CONTROLNET_CONTRACT = defineServiceContract({
  name: CONTROLNET_SERVICE,
  kinds: CONTROLNET_KINDS,
  requestCase: 'controlnet',
  protoFile: 'easel/controlnet/v1/controlnet.proto',
  toRequest: toControlNetRequest,
  fromRequest: fromControlNetRequest,
});
