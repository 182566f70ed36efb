import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('needs no variable at all and defaults to port 3000 and ./.easel', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config.PORT).toBe(3000);
    expect(config.home).toBe('/srv/app/.easel');
    expect(config.publicUrl).toBe('http://127.0.0.1:3000');
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.services).toEqual(['diffusion', 'super_resolution', 'image_editing', 'controlnet', 'training', 'chat', 'video', 'mesh', 'voice']);
    expect(config.servicePools).toEqual({});
    expect(config.EASEL_NSFW_THRESHOLD).toBe(0.5);
    expect(existsSync(`${config.modelsDir}/easel-tiny/model_index.json`)).toBe(true);
  });

  it('reads the service, model and family pool assignments as maps', () => {
    const config = loadConfig({ EASEL_SERVICE_POOLS: 'diffusion=gpu-a,super_resolution=cpu', EASEL_MODEL_POOLS: 'sdxl-base=gpu-large', EASEL_FAMILY_POOLS: 'sdxl=gpu-large,flux=gpu-large' });
    expect(config.servicePools).toEqual({ diffusion: 'gpu-a', super_resolution: 'cpu' });
    expect(config.modelPools).toEqual({ 'sdxl-base': 'gpu-large' });
    expect(config.familyPools).toEqual({ sdxl: 'gpu-large', flux: 'gpu-large' });
  });

  it('reads numbers given as strings', () => {
    expect(loadConfig({ PORT: '8080', EASEL_SYNC_WINDOW_MS: '0' }).PORT).toBe(8080);
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT="eighty" is invalid/],
    [{ PORT: '70000' }, /^PORT="70000" is invalid/],
    [{ EASEL_SYNC_WINDOW_MS: '-1' }, /^EASEL_SYNC_WINDOW_MS="-1" is invalid/],
    [{ EASEL_LOG_LEVEL: 'loud' }, /^EASEL_LOG_LEVEL="loud" is invalid/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL="mysql:\/\/x" is invalid: must be a postgresql/],
    [{ EASEL_NSFW_THRESHOLD: '1.5' }, /^EASEL_NSFW_THRESHOLD="1.5" is invalid: must be between 0 and 1/],
    [{ EASEL_NSFW_THRESHOLD: 'high' }, /^EASEL_NSFW_THRESHOLD="high" is invalid/],
    [{ EASEL_PROT: '1' }, /^EASEL_PROT is not a setting Easel knows/],
    [{ EASEL_WEBHOOK_SECRET: 'short' }, /^EASEL_WEBHOOK_SECRET="short" is invalid: must be at least 16/],
    [{ EASEL_WEBHOOK_MAX_ATTEMPTS: '0' }, /^EASEL_WEBHOOK_MAX_ATTEMPTS="0" is invalid/],
    [{ EASEL_WEBHOOK_BACKOFF_MS: '5s,30s' }, /^EASEL_WEBHOOK_BACKOFF_MS="5s,30s" is invalid: must be a comma-separated list of milliseconds/],
    [{ EASEL_SERVICE_POOLS: 'diffusion:gpu' }, /^EASEL_SERVICE_POOLS="diffusion:gpu" is invalid: must be a comma-separated list of <service>=<pool>/],
    [{ EASEL_MODEL_POOLS: 'sdxl=big pool' }, /^EASEL_MODEL_POOLS="sdxl=big pool" is invalid/],
    [{ EASEL_FAMILY_POOLS: 'sdxl' }, /^EASEL_FAMILY_POOLS="sdxl" is invalid: must be a comma-separated list of <model family>=<pool>/],
  ])('rejects %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('has webhook defaults: no secret (generated on first use), 6 attempts, 5 s to 1 h backoff', () => {
    const config = loadConfig({});
    expect(config.EASEL_WEBHOOK_SECRET).toBeUndefined();
    expect(config.EASEL_WEBHOOK_MAX_ATTEMPTS).toBe(6);
    expect(config.webhookBackoffMs).toEqual([5000, 30000, 120000, 600000, 3600000]);
    expect(config.EASEL_WEBHOOK_POLL_MS).toBe(500);
    expect(config.EASEL_WEBHOOK_TIMEOUT_MS).toBe(10000);
  });

  it('reads the webhook settings', () => {
    const config = loadConfig({ EASEL_WEBHOOK_SECRET: 's'.repeat(32), EASEL_WEBHOOK_MAX_ATTEMPTS: '2', EASEL_WEBHOOK_BACKOFF_MS: '10,20', EASEL_WEBHOOK_POLL_MS: '50' });
    expect(config.EASEL_WEBHOOK_SECRET).toBe('s'.repeat(32));
    expect(config.EASEL_WEBHOOK_MAX_ATTEMPTS).toBe(2);
    expect(config.webhookBackoffMs).toEqual([10, 20]);
    expect(config.EASEL_WEBHOOK_POLL_MS).toBe(50);
  });

  it('tracing is off unless EASEL_TRACING=otlp; reads the standard OTEL endpoint and service name', () => {
    expect(loadConfig({}).EASEL_TRACING).toBe('none');
    const config = loadConfig({ EASEL_TRACING: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SERVICE_NAME: 'easel-eu' });
    expect(config).toMatchObject({ EASEL_TRACING: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SERVICE_NAME: 'easel-eu' });
    expect(() => loadConfig({ EASEL_TRACING: 'jaeger' })).toThrow(/^EASEL_TRACING="jaeger" is invalid/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' })).toThrow(/^OTEL_EXPORTER_OTLP_ENDPOINT="collector" is invalid/);
  });
});
