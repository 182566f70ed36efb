import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiKeyGuard } from '../keys/api-key.guard';
import { SystemService } from './system.service';

@Controller()
@UseGuards(ApiKeyGuard)
export class SystemController {
  constructor(private readonly system: SystemService) {}

  @Post(['api/v3/system_load', 'api/v4/dreambooth/system_load'])
  @HttpCode(200)
  systemLoad() {
    return this.system.load();
  }
}
