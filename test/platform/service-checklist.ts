/**
 * What every registered service must have, in the order of DESIGN.md's "Adding a service": its
 * gateway definition, its proto (and JobPayload case), its worker handler and gRPC service, an
 * OpenAPI operation per job kind with its price, a pool in the chart's values that the schema
 * allows, and a row in the README's service table. Each missing piece is one problem, named.
 */
export interface ServiceFacts {
  /** @easel/contracts SERVICE_CONTRACTS. */
  contracts: ReadonlyArray<{ name: string; kinds: readonly string[]; protoFile: string; busOnly?: string }>;
  /** The gateway's ServiceRegistry definitions. */
  definitions: ReadonlyArray<{ service: string; kinds: readonly string[]; pricing: string }>;
  /** apps/worker WORKER_SERVICES. */
  workerServices: Readonly<Record<string, { handler?: unknown; grpc?: unknown }>>;
  /** /openapi.json. */
  openapi: {
    paths: Record<
      string,
      Record<string, { 'x-easel-job-kind'?: string; description?: string; requestBody?: any }>
    >;
  };
  /** deploy/helm/easel values.yaml `pools`, and the services its schema lets an enabled pool run. */
  pools: Record<string, { enabled?: boolean; service?: string }>;
  schemaServices: readonly string[];
  readme: string;
  /** The text of proto/<file>, or null when absent. */
  proto(file: string): string | null;
}

export function serviceChecklist(facts: ServiceFacts): string[] {
  const problems: string[] = [];
  const operations = Object.values(facts.openapi.paths).flatMap((methods) => Object.values(methods));
  const jobProto = facts.proto('easel/jobs/v1/job.proto') ?? '';
  for (const { name, kinds, protoFile, busOnly } of facts.contracts) {
    const missing = (what: string) => problems.push(`${name}: ${what}`);
    // A service may be defined by more than one family (outpaint: a diffusion kind at image_editing's path).
    const definitions = facts.definitions.filter((d) => d.service === name);
    const defined = definitions.flatMap((d) => [...d.kinds]);
    if (definitions.length === 0)
      missing('no ServiceDefinition in the gateway (apps/gateway/src/<family>/<service>.definition.ts)');
    else if ([...kinds].sort().join() !== [...defined].sort().join())
      missing(`the gateway definitions take ${defined.join(', ')}, the contract ${kinds.join(', ')}`);
    if (definitions.some((d) => !d.pricing.trim()))
      missing('no price (ServiceDefinition.pricing, apps/gateway/src/billing)');

    const proto = facts.proto(protoFile);
    if (proto === null) missing(`no proto/${protoFile}`);
    // A bus-only service says why in its contract (busOnly); every other one has a gRPC service too.
    else if (!busOnly && !/^service \w+ \{/m.test(proto)) missing(`proto/${protoFile} declares no gRPC service`);
    if (!jobProto.includes(`import "${protoFile}";`))
      missing(`proto/easel/jobs/v1/job.proto's JobPayload has no case for ${protoFile}`);

    const worker = facts.workerServices[name];
    if (!worker) missing('no worker service (apps/worker/src/worker-services.ts)');
    else if (!busOnly && !worker.grpc) missing('the worker serves no gRPC service for it');

    for (const kind of kinds) {
      const operation = operations.find((op) => op['x-easel-job-kind'] === kind);
      if (!operation) missing(`no OpenAPI operation submits "${kind}" jobs`);
      else if (!operation.description?.includes('Price:')) missing(`the "${kind}" operation states no price`);
    }

    if (!Object.values(facts.pools).some((pool) => pool.enabled && (pool.service ?? '') === name))
      missing('no enabled pool runs it in deploy/helm/easel/values.yaml');
    if (!facts.schemaServices.includes(name))
      missing('deploy/helm/easel/values.schema.json does not let a pool run it');
    if (!new RegExp(`^\\| \`${name}\` \\|`, 'm').test(facts.readme))
      missing("no row in the README's service table");
  }
  return problems;
}
