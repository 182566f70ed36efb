import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiKeyGuard, type AuthenticatedRequest } from '../keys/api-key.guard';
import { ModelsService } from './models.service';

/** The community-models family: listing, loading from a URL, deleting, reloading. */
@Controller()
@UseGuards(ApiKeyGuard)
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Post(['api/v4/dreambooth/model_list', 'api/v3/dreambooth/model_list'])
  @HttpCode(200)
  list(@Req() req: AuthenticatedRequest) {
    return this.models.list(req.principal.tenantId);
  }

  @Post(['api/v3/load_model', 'api/v4/dreambooth/load_model'])
  @HttpCode(200)
  load(@Req() req: AuthenticatedRequest, @Body() body: Record<string, unknown>) {
    return this.models.load(req.principal.tenantId, body);
  }

  @Post(['api/v3/delete_model', 'api/v4/dreambooth/delete_model'])
  @HttpCode(200)
  delete(@Req() req: AuthenticatedRequest, @Body() body: Record<string, unknown>) {
    return this.models.delete(req.principal.tenantId, body);
  }

  @Post(['api/v4/dreambooth/model_reload', 'api/v3/dreambooth/model_reload'])
  @HttpCode(200)
  reload(@Req() req: AuthenticatedRequest, @Body() body: Record<string, unknown>) {
    return this.models.reloadModel(req.principal.tenantId, body);
  }
}
