import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_CONTRACTS } from '@easel/contracts';
import { ServiceRegistry } from '@easel/gateway';
import { WORKER_SERVICES } from '@easel/worker';
import { REPO_ROOT } from '../e2e/helpers';
import { startEmbeddedGateway } from '../support/embedded-gateway';
import { CHART_DIR, render } from '../helm/render';
import { serviceChecklist, type ServiceFacts } from './service-checklist';

const proto = (file: string) => {
  const path = join(REPO_ROOT, 'proto', file);
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
};

describe('every registered service has all its pieces', () => {
  let close: () => Promise<void>;
  let facts: ServiceFacts;

  beforeAll(async () => {
    const started = await startEmbeddedGateway();
    close = started.close;
    const { app } = started.gateway;
    const openapi = (
      await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/openapi.json' })
    ).json();
    const schema = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8'));
    facts = {
      contracts: SERVICE_CONTRACTS,
      definitions: app.get(ServiceRegistry).definitions(),
      workerServices: WORKER_SERVICES,
      openapi,
      pools: render(CHART_DIR).values.pools,
      schemaServices: schema.definitions.pool.then.properties.service.enum,
      readme: readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'),
      proto,
    };
  }, 60_000);
  afterAll(() => close?.());

  it('diffusion and super_resolution (and every service added later) pass the checklist', () => {
    expect(facts.contracts.map((c) => c.name)).toEqual(
      expect.arrayContaining(['diffusion', 'super_resolution']),
    );
    expect(serviceChecklist(facts)).toEqual([]);
  });

  it('a service added with only its contract is refused, each missing piece named; it passes once the files the README lists exist', () => {
    const echo = { name: 'echo', kinds: ['echo'], protoFile: 'easel/echo/v1/echo.proto' };
    let added: ServiceFacts = { ...facts, contracts: [...facts.contracts, echo] };
    expect(serviceChecklist(added)).toEqual([
      'echo: no ServiceDefinition in the gateway (apps/gateway/src/<family>/<service>.definition.ts)',
      'echo: no proto/easel/echo/v1/echo.proto',
      "echo: proto/easel/jobs/v1/job.proto's JobPayload has no case for easel/echo/v1/echo.proto",
      'echo: no worker service (apps/worker/src/worker-services.ts)',
      'echo: no OpenAPI operation submits "echo" jobs',
      'echo: no enabled pool runs it in deploy/helm/easel/values.yaml',
      'echo: deploy/helm/easel/values.schema.json does not let a pool run it',
      "echo: no row in the README's service table",
    ]);
    // The README's "Adding a service" files, one at a time: each removes its problem and no other.
    const steps: Array<[string, (f: ServiceFacts) => ServiceFacts]> = [
      [
        'gateway definition',
        (f) => ({
          ...f,
          definitions: [
            ...f.definitions,
            { service: 'echo', kinds: ['echo'], pricing: '1 credit per echo.' },
          ],
        }),
      ],
      [
        'proto + JobPayload case',
        (f) => ({
          ...f,
          proto: (file) =>
            file === echo.protoFile
              ? 'service EchoService {\n}\n'
              : file === 'easel/jobs/v1/job.proto'
                ? `${proto(file)}\nimport "${echo.protoFile}";\n`
                : proto(file),
        }),
      ],
      [
        'worker service',
        (f) => ({ ...f, workerServices: { ...f.workerServices, echo: { handler: {}, grpc: {} } } }),
      ],
      [
        'controller route (OpenAPI operation)',
        (f) => ({
          ...f,
          openapi: {
            paths: {
              ...f.openapi.paths,
              '/api/v6/echo': {
                post: { 'x-easel-job-kind': 'echo', description: 'Echo. Price: 1 credit per echo.' },
              },
            },
          },
        }),
      ],
      [
        'chart pool + schema',
        (f) => ({
          ...f,
          pools: { ...f.pools, echo: { enabled: true, service: 'echo' } },
          schemaServices: [...f.schemaServices, 'echo'],
        }),
      ],
      ['README row', (f) => ({ ...f, readme: `${f.readme}\n| \`echo\` | echoes |\n` })],
    ];
    let before = serviceChecklist(added).length;
    for (const [step, apply] of steps) {
      added = apply(added);
      const after = serviceChecklist(added).length;
      expect([step, after < before]).toEqual([step, true]);
      before = after;
    }
    expect(serviceChecklist(added)).toEqual([]);
  });
});
