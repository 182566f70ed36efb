import { Injectable } from '@nestjs/common';
import { OUTPUT_EXTENSIONS, SUPER_RESOLUTION_KIND } from '@easel/contracts';
import { priceOfSuperResolution } from '../billing/pricing';
import { ValidationError } from '../common/api-errors';
import type { DialectResponse } from '../generation/generation-responses';
import { GenerationService } from '../generation/generation.service';
import type { Principal } from '../keys/principal';
import { parseSuperResolutionRequest } from './super-resolution-request';

/** `super_resolution`: validate, then the generation jobs' flow (credits, queue, sync window, fetch, webhooks). */
@Injectable()
export class SuperResolutionService {
  constructor(private readonly generation: GenerationService) {}

  async submit(principal: Principal, body: Record<string, unknown>, idempotencyKey: string | null): Promise<DialectResponse> {
    const parsed = parseSuperResolutionRequest(body);
    if (!parsed.ok) throw new ValidationError(parsed.errors);
    const { webhook, trackId, faceEnhance: _faceEnhance, ...params } = parsed.value;
    return this.generation.enqueue(principal, body, {
      kind: SUPER_RESOLUTION_KIND,
      modelId: params.upscaleModel,
      params: params as unknown as Record<string, unknown>,
      outputs: 1,
      extension: OUTPUT_EXTENSIONS[params.outputFormat],
      price: priceOfSuperResolution(params.scale),
      trackId,
      webhook,
      idempotencyKey,
    });
  }
}
