import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ValidationError } from '../common/api-errors';
import { ApiKeyGuard, type AuthenticatedRequest } from '../keys/api-key.guard';
import { parseStoredVoiceId, parseStoredVoiceUpload } from './stored-voice-request';
import { StoredVoicesService } from './stored-voices.service';

/** A tenant's stored voices (Easel's addition): upload a reference, list, delete. voice_id then clones it anywhere a voice is taken. */
@Controller('api/v6/voice/voices')
@UseGuards(ApiKeyGuard)
export class StoredVoicesController {
  constructor(private readonly voices: StoredVoicesService) {}

  @Post('upload')
  @HttpCode(201)
  async upload(@Req() req: AuthenticatedRequest) {
    const parsed = parseStoredVoiceUpload(req.body as Record<string, unknown>);
    if (!parsed.ok) throw new ValidationError(parsed.errors);
    return { status: 'success', ...(await this.voices.upload(req.principal.tenantId, parsed.value)) };
  }

  @Post('list')
  @HttpCode(200)
  async list(@Req() req: AuthenticatedRequest) {
    return { status: 'success', ...(await this.voices.list(req.principal.tenantId)) };
  }

  @Post('delete')
  @HttpCode(200)
  async remove(@Req() req: AuthenticatedRequest) {
    const parsed = parseStoredVoiceId(req.body as Record<string, unknown>);
    if (!parsed.ok) throw new ValidationError(parsed.errors);
    await this.voices.remove(req.principal.tenantId, parsed.value);
    return { status: 'success', message: 'Voice deleted', voice_id: parsed.value };
  }
}
