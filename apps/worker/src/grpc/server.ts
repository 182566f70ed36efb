import { Server, ServerCredentials, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { DescFile, DescService } from '@bufbuild/protobuf';
import { HealthImplementation } from 'grpc-health-check';
import { diffusionv1 } from '@easel/contracts';
import { grpcServiceDefinition } from './codec';
import { DiffusionGrpcService, type DiffusionServiceOptions } from './diffusion-service';
import { reflectionService } from './reflection';

/** One protobuf service served by the worker: its descriptor, the file reflection lists, and its handlers. */
export interface GrpcServiceEntry {
  service: DescService;
  file: DescFile;
  handlers: UntypedServiceImplementation;
}

export interface GrpcServerOptions {
  /** 0 picks a free port (see the returned `port`). */
  port: number;
  /** Default 0.0.0.0. */
  host?: string;
  /** The services to serve (each worker service that has a gRPC side contributes one). */
  services?: GrpcServiceEntry[];
  /** Shorthand for the diffusion service's entry. */
  diffusion?: DiffusionServiceOptions;
  /** Longest wait for in-flight calls on close before they are cancelled (default 5 s). */
  shutdownGraceMs?: number;
}

export interface GrpcServerHandle {
  port: number;
  /** Health status of the server ("") and of every service it hosts: SERVING or NOT_SERVING. */
  setServing(ok: boolean): void;
  /** Stop accepting calls, let in-flight ones finish (up to the grace period), then cancel them. */
  close(): Promise<void>;
}

export const DIFFUSION_SERVICE_NAME = diffusionv1.DiffusionService.typeName;

export const diffusionGrpcEntry = (options: DiffusionServiceOptions): GrpcServiceEntry => ({
  service: diffusionv1.DiffusionService,
  file: diffusionv1.file_easel_diffusion_v1_diffusion,
  handlers: new DiffusionGrpcService(options).handlers(),
});

/**
 * The worker's gRPC server: its services (easel.diffusion.v1.DiffusionService,
 * easel.super_resolution.v1.SuperResolutionService...), grpc.health.v1.Health and server
 * reflection. Starts SERVING.
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<GrpcServerHandle> {
  const server = new Server();
  const entries = [
    ...(options.diffusion ? [diffusionGrpcEntry(options.diffusion)] : []),
    ...(options.services ?? []),
  ];
  for (const entry of entries) server.addService(grpcServiceDefinition(entry.service), entry.handlers);

  const services = ['', ...entries.map((e) => e.service.typeName)];
  const health = new HealthImplementation(Object.fromEntries(services.map((s) => [s, 'SERVING' as const])));
  health.addToServer(server);
  reflectionService(entries.map((e) => e.file)).addToServer(server);

  const host = options.host ?? '0.0.0.0';
  const address =
    host.includes(':') && !host.startsWith('[') ? `[${host}]:${options.port}` : `${host}:${options.port}`;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });

  let closing: Promise<void> | undefined;
  return {
    port,
    setServing(ok: boolean) {
      for (const s of services) health.setStatus(s, ok ? 'SERVING' : 'NOT_SERVING');
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const s of services) health.setStatus(s, 'NOT_SERVING');
        const force = setTimeout(() => server.forceShutdown(), options.shutdownGraceMs ?? 5_000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      return closing;
    },
  };
}
