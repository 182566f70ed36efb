import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { serviceContract } from '@easel/contracts';
import { SERVICE_DEFINITION, type ServiceDefinition } from './service-definition';

/** Every ServiceDefinition of the application, found by the job kind it takes. */
@Injectable()
export class ServiceRegistry implements OnModuleInit {
  private readonly byKind = new Map<string, ServiceDefinition>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype || !Reflect.getMetadata(SERVICE_DEFINITION, metatype)) continue;
      this.register(instance as ServiceDefinition);
    }
  }

  register(definition: ServiceDefinition): void {
    if (!serviceContract(definition.service))
      throw new Error(
        `service "${definition.service}" has no contract in @easel/contracts (SERVICE_CONTRACTS)`,
      );
    for (const kind of definition.kinds) {
      const taken = this.byKind.get(kind);
      if (taken && taken !== definition)
        throw new Error(
          `job kind "${kind}" is defined twice (services ${taken.service} and ${definition.service})`,
        );
      this.byKind.set(kind, definition);
    }
  }

  forKind(kind: string): ServiceDefinition {
    const definition = this.byKind.get(kind);
    if (!definition) throw new Error(`no service definition takes jobs of kind "${kind}"`);
    return definition;
  }

  definitions(): ServiceDefinition[] {
    return [...new Set(this.byKind.values())];
  }
}
