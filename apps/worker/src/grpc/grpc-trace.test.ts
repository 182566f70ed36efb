import { create } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import { SpanKind, trace, context } from '@opentelemetry/api';
import { diffusionv1 } from '@easel/contracts';
import { DiffusionEngine } from '@easel/engine-diffusion';
import { injectTraceMetadata, startTelemetry, type Telemetry } from '@easel/telemetry';
import { grpcServiceDefinition, startGrpcServer, type GrpcServerHandle } from './index';
import { bundledServiceOptions } from './test-helpers';

type Finished = ReturnType<NonNullable<Telemetry['memoryExporter']>['getFinishedSpans']>[number];

const GENERATE_SPAN = 'easel.diffusion.v1.DiffusionService/Generate';

/**
 * A direct gRPC call joins its caller's trace: the W3C `traceparent` in the call metadata
 * becomes the parent of the worker's server span, and the engine's phase spans nest under it
 * (in-memory exporter).
 */
describe('DiffusionService Generate continues the trace in the call metadata', () => {
  let telemetry: Telemetry;
  let engine: DiffusionEngine;
  let server: GrpcServerHandle;
  let service: ReturnType<typeof bundledServiceOptions>;
  let client: any;

  beforeAll(async () => {
    telemetry = await startTelemetry({ serviceName: 'easel-worker-test', exporter: 'memory' });
    engine = new DiffusionEngine({ intraOpNumThreads: Number(process.env.EASEL_ORT_THREADS ?? 1) || 1 });
    server = await startGrpcServer({
      port: 0,
      host: '127.0.0.1',
      diffusion: (service = bundledServiceOptions(engine)).options,
    });
    const Client = grpc.makeGenericClientConstructor(grpcServiceDefinition(diffusionv1.DiffusionService), 'DiffusionService');
    client = new Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await server?.close();
    await engine?.dispose();
    await service?.dispose();
    await telemetry?.shutdown();
  });

  /** Runs Generate with `metadata` to its end; resolves with the error status, if any. */
  const generate = (metadata: grpc.Metadata) =>
    new Promise<grpc.ServiceError | undefined>((resolve) => {
      const req = create(diffusionv1.GenerateRequestSchema, { tenantId: 't', prompt: 'a red circle on a blue background', width: 128, height: 128, steps: 2, seed: 3n });
      const call = client.generate(req, metadata);
      call.on('data', () => undefined);
      call.on('error', resolve);
      call.on('end', () => resolve(undefined));
    });

  const spansOf = (traceId: string) => telemetry.memoryExporter!.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  const waitForSpan = async (traceId: string, name: string): Promise<Finished> => {
    for (let i = 0; i < 200; i++) {
      const span = spansOf(traceId).find((s) => s.name === name);
      if (span) return span;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no span ${name} in trace ${traceId}: ${spansOf(traceId).map((s) => s.name).join(', ')}`);
  };

  it('makes the caller span the parent of the Generate server span, and the engine phases its children', async () => {
    const callerTrace = '0af7651916cd43dd8448eb211c80319c';
    const callerSpan = 'b7ad6b7169203331';
    const metadata = new grpc.Metadata();
    metadata.set('traceparent', `00-${callerTrace}-${callerSpan}-01`);
    expect(await generate(metadata)).toBeUndefined();

    const server = await waitForSpan(callerTrace, GENERATE_SPAN);
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(server.parentSpanContext?.spanId).toBe(callerSpan);
    expect(server.parentSpanContext?.isRemote).toBe(true);
    expect(server.attributes).toMatchObject({ 'rpc.system': 'grpc', 'rpc.method': 'Generate' });
    for (const phase of ['text_encoder', 'denoise', 'vae_decode']) {
      const span = await waitForSpan(callerTrace, phase);
      expect({ phase, parent: span.parentSpanContext?.spanId }).toEqual({ phase, parent: server.spanContext().spanId });
    }
  });

  it('joins the trace of a caller that injects its active context (injectTraceMetadata)', async () => {
    const tracer = trace.getTracer('grpc-trace-test');
    const caller = tracer.startSpan('caller', { kind: SpanKind.CLIENT });
    const metadata = new grpc.Metadata();
    injectTraceMetadata(metadata, trace.setSpan(context.active(), caller));
    expect(await generate(metadata)).toBeUndefined();
    caller.end();

    const server = await waitForSpan(caller.spanContext().traceId, GENERATE_SPAN);
    expect(server.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
  });

  it('starts a trace of its own when the metadata carries none', async () => {
    const before = new Set(telemetry.memoryExporter!.getFinishedSpans().filter((s) => s.name === GENERATE_SPAN).map((s) => s.spanContext().spanId));
    expect(await generate(new grpc.Metadata())).toBeUndefined();
    let server: Finished | undefined;
    for (let i = 0; i < 200 && !server; i++) {
      server = telemetry.memoryExporter!.getFinishedSpans().find((s) => s.name === GENERATE_SPAN && !before.has(s.spanContext().spanId));
      if (!server) await new Promise((r) => setTimeout(r, 25));
    }
    expect(server).toBeDefined();
    expect(server!.parentSpanContext).toBeUndefined();
    expect(spansOf(server!.spanContext().traceId).map((s) => s.name)).toEqual(expect.arrayContaining(['text_encoder', 'denoise', 'vae_decode']));
  });
});
