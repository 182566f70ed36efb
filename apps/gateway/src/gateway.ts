import 'reflect-metadata';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { registerHttpTracing } from '@easel/telemetry';
import { AppModule, type GatewayDependencies } from './app.module';
import { clientErrorHandler, DialectExceptionFilter, frameworkErrors } from './common/dialect-exception.filter';
import { installIdempotencyKeyCheck } from './common/idempotency-key';
import { installJsonBodyParsing } from './common/json-body';
import { JobsService } from './jobs/jobs.service';
import { TenantsService, type BootstrapResult } from './tenants/tenants.service';

const LOG_LEVELS: Record<string, LogLevel[]> = {
  silent: [],
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  // Nest's 'log' level is its start-up chatter (modules, routes): only from debug on.
  info: ['fatal', 'error', 'warn'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

export interface Gateway {
  app: NestFastifyApplication;
  bootstrap: BootstrapResult;
  /** Starts listening; resolves with the URL. */
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

/** Builds the HTTP gateway on the given adapters, creates the first admin key if needed and recovers unfinished jobs. */
export async function createGateway(deps: GatewayDependencies): Promise<Gateway> {
  const adapter = new FastifyAdapter({ bodyLimit: 32 * 1024 * 1024, frameworkErrors, clientErrorHandler });
  // First hooks on the instance: every request gets a server span, active while its handler runs.
  registerHttpTracing(adapter.getInstance());
  installJsonBodyParsing(adapter.getInstance());
  installIdempotencyKeyCheck(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(deps), adapter, {
    logger: LOG_LEVELS[deps.config.EASEL_LOG_LEVEL] ?? LOG_LEVELS.info,
    abortOnError: false,
    bodyParser: false, // installJsonBodyParsing owns JSON parsing (the dialect's error for bad bodies)
  });
  app.useGlobalFilters(new DialectExceptionFilter());
  await app.init();
  const bootstrap = await app.get(TenantsService).bootstrap();
  await app.get(JobsService).recoverUnfinished();
  return {
    app,
    bootstrap,
    async listen(port, host) {
      await app.listen(port, host);
      const address = app.getHttpServer().address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      Logger.log(`listening on http://${host}:${actualPort}`, 'Gateway');
      return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actualPort}`;
    },
    close: () => app.close(),
  };
}
