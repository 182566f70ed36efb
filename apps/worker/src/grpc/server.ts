import { Server, ServerCredentials } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { diffusionv1 } from '@easel/contracts';
import { grpcServiceDefinition } from './codec';
import { DiffusionGrpcService, type DiffusionServiceOptions } from './diffusion-service';
import { reflectionService } from './reflection';

export interface GrpcServerOptions {
  /** 0 picks a free port (see the returned `port`). */
  port: number;
  /** Default 0.0.0.0. */
  host?: string;
  diffusion: DiffusionServiceOptions;
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

/**
 * The worker's gRPC server: easel.diffusion.v1.DiffusionService, grpc.health.v1.Health and
 * server reflection. Starts SERVING.
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<GrpcServerHandle> {
  const server = new Server();
  const diffusion = new DiffusionGrpcService(options.diffusion);
  server.addService(grpcServiceDefinition(diffusionv1.DiffusionService), diffusion.handlers());

  const services = ['', DIFFUSION_SERVICE_NAME];
  const health = new HealthImplementation(Object.fromEntries(services.map((s) => [s, 'SERVING' as const])));
  health.addToServer(server);
  reflectionService([diffusionv1.file_easel_diffusion_v1_diffusion]).addToServer(server);

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
