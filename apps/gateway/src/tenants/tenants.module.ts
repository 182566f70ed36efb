import { Module } from '@nestjs/common';
import { BillingModule } from '../billing/billing.module';
import { KeysModule } from '../keys/keys.module';
import { TenantsService } from './tenants.service';

@Module({ imports: [KeysModule, BillingModule], providers: [TenantsService], exports: [TenantsService] })
export class TenantsModule {}
