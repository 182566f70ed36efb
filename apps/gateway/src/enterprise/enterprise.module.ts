import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { ModelsModule } from '../models/models.module';
import { SystemModule } from '../system/system.module';
import { TenantsModule } from '../tenants/tenants.module';
import { EnterpriseController } from './enterprise.controller';
import { EnterpriseService } from './enterprise.service';

@Module({ imports: [KeysModule, TenantsModule, SystemModule, ModelsModule], controllers: [EnterpriseController], providers: [EnterpriseService] })
export class EnterpriseModule {}
