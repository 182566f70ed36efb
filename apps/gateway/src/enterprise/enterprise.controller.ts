import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiKeyGuard, RequireScope, type AuthenticatedRequest } from '../keys/api-key.guard';
import { ModelsService } from '../models/models.service';
import { EnterpriseService } from './enterprise.service';

@Controller('api/v1/enterprise')
@UseGuards(ApiKeyGuard)
@RequireScope('admin')
export class EnterpriseController {
  constructor(
    private readonly enterprise: EnterpriseService,
    private readonly models: ModelsService,
  ) {}

  @Post('tenants/create')
  @HttpCode(201)
  createTenant(@Req() req: AuthenticatedRequest) {
    return this.enterprise.createTenant(req.body);
  }

  @Post('tenants/list')
  @HttpCode(200)
  listTenants() {
    return this.enterprise.listTenants();
  }

  @Post('tenants/limits')
  @HttpCode(200)
  setLimits(@Req() req: AuthenticatedRequest) {
    return this.enterprise.setLimits(req.principal, req.body);
  }

  @Post('tenants/retention')
  @HttpCode(200)
  setRetention(@Req() req: AuthenticatedRequest) {
    return this.enterprise.setRetention(req.principal, req.body);
  }

  @Post('keys/create')
  @HttpCode(201)
  createKey(@Req() req: AuthenticatedRequest) {
    return this.enterprise.createKey(req.principal, req.body);
  }

  @Post('keys/list')
  @HttpCode(200)
  listKeys(@Req() req: AuthenticatedRequest) {
    return this.enterprise.listKeys(req.principal, req.body);
  }

  @Post('keys/revoke')
  @HttpCode(200)
  revokeKey(@Req() req: AuthenticatedRequest) {
    return this.enterprise.revokeKey(req.principal, req.body);
  }

  @Post('credits/add')
  @HttpCode(200)
  addCredits(@Req() req: AuthenticatedRequest) {
    return this.enterprise.addCredits(req.principal, req.body);
  }

  @Post('credits/report')
  @HttpCode(200)
  creditReport(@Req() req: AuthenticatedRequest) {
    return this.enterprise.creditReport(req.principal, req.body);
  }

  @Post('system_details')
  @HttpCode(200)
  systemDetails(@Req() req: AuthenticatedRequest) {
    return this.enterprise.systemDetails(req.principal);
  }

  @Post('get_all_models')
  @HttpCode(200)
  allModels(@Req() req: AuthenticatedRequest) {
    return this.enterprise.allModels(req.principal);
  }

  /** The operator's load_model / delete_model: the same as /api/v3/… for the admin key's tenant. */
  @Post('load_model')
  @HttpCode(200)
  loadModel(@Req() req: AuthenticatedRequest) {
    return this.models.load(req.principal.tenantId, req.body as Record<string, unknown>);
  }

  @Post('delete_model')
  @HttpCode(200)
  deleteModel(@Req() req: AuthenticatedRequest) {
    return this.models.delete(req.principal.tenantId, req.body as Record<string, unknown>);
  }

  /** A model's load status (`loading`, `model_ready`, `failed` with `error`), or "Model id not found". */
  @Post('verify_model')
  @HttpCode(200)
  verifyModel(@Req() req: AuthenticatedRequest) {
    return this.models.status(req.principal.tenantId, req.body as Record<string, unknown>);
  }
}
