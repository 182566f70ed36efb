import { Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import type { ModelCatalog } from '@easel/model-store';
import { ApiKeyGuard, type AuthenticatedRequest } from '../keys/api-key.guard';
import { MODEL_CATALOG } from '../tokens';

/** The community-models listing: what this key's tenant may use as `model_id`. */
@Controller()
@UseGuards(ApiKeyGuard)
export class ModelsController {
  constructor(@Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog) {}

  @Post(['api/v4/dreambooth/model_list', 'api/v3/dreambooth/model_list'])
  @HttpCode(200)
  async list(@Req() req: AuthenticatedRequest) {
    const models = await this.catalog.list(req.principal.tenantId);
    return models.map((m) => ({
      model_id: m.modelId,
      model_name: m.name,
      model_category: m.category,
      status: m.status === 'ready' ? 'model_ready' : m.status,
      visibility: m.visibility,
      is_nsfw: 'no',
    }));
  }
}
