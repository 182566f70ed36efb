import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { loadConfig } from '@easel/config';
import { startEmbedded, type EmbeddedEaselInstance } from '@easel/easel';
import { startTelemetry, type Telemetry } from '@easel/telemetry';
import { post } from '../e2e/helpers';

type Finished = ReturnType<NonNullable<Telemetry['memoryExporter']>['getFinishedSpans']>[number];

/**
 * One trace from the HTTP request to the upload, in embedded mode (the in-process bus carries the
 * message headers exactly as JetStream does): HTTP server span → publish → process job → the
 * engine's phases and the upload, asserted on the in-memory exporter.
 */
describe('one trace from the HTTP request through the bus, the worker and the engine to the upload', () => {
  let telemetry: Telemetry;
  let easel: EmbeddedEaselInstance;
  let home: string;
  let key: string;

  beforeAll(async () => {
    telemetry = await startTelemetry({ serviceName: 'easel-test', exporter: 'memory' });
    home = await mkdtemp(join(tmpdir(), 'easel-trace-'));
    easel = await startEmbedded(loadConfig({ EASEL_HOME: home, PORT: '0', EASEL_LOG_LEVEL: 'error', EASEL_ORT_THREADS: '1' }));
    key = easel.adminKey!;
  }, 60_000);

  afterAll(async () => {
    await easel?.close();
    await telemetry?.shutdown();
    if (home) await rm(home, { recursive: true, force: true });
  });

  const waitForSpan = async (name: string, timeoutMs = 30_000): Promise<Finished> => {
    const started = Date.now();
    for (;;) {
      const span = telemetry.memoryExporter!.getFinishedSpans().find((s) => s.name === name);
      if (span) return span;
      if (Date.now() - started > timeoutMs) throw new Error(`no finished span ${name}: ${telemetry.memoryExporter!.getFinishedSpans().map((s) => s.name).join(', ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('HTTP request → publish → process job → text_encoder, denoise, vae_decode, upload', async () => {
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const { status, body } = await post(
      `${easel.url}/api/v3/text2img`,
      { key, prompt: 'a red circle on a blue background', width: 128, height: 128, num_inference_steps: 4, seed: 7 },
      { traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` },
    );
    expect(status).toBe(200);
    expect(['success', 'processing']).toContain(body.status);
    await waitForSpan('upload');
    const processJob = await waitForSpan('process job');
    const http = await waitForSpan('POST /api/v3/text2img');

    const spans = telemetry.memoryExporter!.getFinishedSpans().filter((s) => s.spanContext().traceId === callerTrace);
    const byName = new Map(spans.map((s) => [s.name, s]));
    const parentOf = (name: string) => {
      const span = byName.get(name);
      if (!span) throw new Error(`no span ${name} in the trace: ${[...byName.keys()].join(', ')}`);
      const parentId = span.parentSpanContext?.spanId;
      return spans.find((s) => s.spanContext().spanId === parentId)?.name ?? `(remote ${parentId})`;
    };
    // The caller's traceparent is honoured: the whole tree is in its trace.
    expect(http.spanContext().traceId).toBe(callerTrace);
    expect(http.kind).toBe(SpanKind.SERVER);
    expect(http.attributes['http.response.status_code']).toBe(200);
    expect(parentOf('POST /api/v3/text2img')).toBe('(remote 00f067aa0ba902b7)');
    expect(parentOf('publish')).toBe('POST /api/v3/text2img');
    expect(byName.get('publish')!.kind).toBe(SpanKind.PRODUCER);
    expect(parentOf('process job')).toBe('publish');
    expect(processJob.kind).toBe(SpanKind.CONSUMER);
    expect(processJob.attributes['messaging.message.id']).toBe(String(body.id));
    for (const phase of ['text_encoder', 'denoise', 'vae_decode', 'upload']) expect(parentOf(phase)).toBe('process job');
    expect(byName.get('denoise')!.attributes['easel.steps']).toBeGreaterThanOrEqual(4); // timesteps run (a multistep scheduler may add one)

    // The phases happen in order inside the job.
    const start = (name: string) => byName.get(name)!.startTime[0] * 1e9 + byName.get(name)!.startTime[1];
    expect(start('text_encoder')).toBeLessThanOrEqual(start('denoise'));
    expect(start('denoise')).toBeLessThanOrEqual(start('vae_decode'));
    expect(start('vae_decode')).toBeLessThanOrEqual(start('upload'));
    process.stdout.write(`trace ${callerTrace}:\n${spans.map((s) => `  ${s.name} ← ${parentOf(s.name)}`).join('\n')}\n`);
  });
});
