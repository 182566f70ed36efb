import { RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { KNOWN_OPERATIONS, OPERATION_DOC, type OperationDoc } from './operation-doc';

/** One HTTP route as Nest's router registers it. */
export interface RouteInfo {
  /** Upper case: `GET`, `POST`… */
  method: string;
  /** Nest/Fastify pattern: `/api/v3/fetch/:id`. */
  path: string;
  /** The status Nest answers with unless the handler sets one (@HttpCode, else 201 for POST, 200 otherwise). */
  defaultStatus: number;
  /** `GenerationController.fetch`. */
  handler: string;
  /** From @ApiOperationDoc or KNOWN_OPERATIONS; undefined for an undocumented route. */
  doc?: OperationDoc;
}

const asArray = (value: unknown): string[] =>
  value === undefined ? [''] : Array.isArray(value) ? (value as string[]) : [value as string];

/** Joins a controller prefix and a route path as Nest's router does: one leading slash, none trailing. */
export function joinRoutePath(prefix: string, path: string): string {
  const joined = ['', prefix, path]
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter((part) => part !== '')
    .join('/');
  return `/${joined}`;
}

/**
 * Every controller route of the application, read from the metadata Nest's router reads
 * (PATH_METADATA / METHOD_METADATA on controllers and handlers), so a new controller or
 * handler appears here — and in /openapi.json and /metrics — without being listed anywhere.
 */
@Injectable()
export class RouteCatalog {
  private cached?: RouteInfo[];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  routes(): RouteInfo[] {
    this.cached ??= this.scan();
    return this.cached;
  }

  private scan(): RouteInfo[] {
    const routes: RouteInfo[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const { metatype, instance } = wrapper;
      if (!metatype || !instance || typeof metatype !== 'function') continue;
      const prefixes = asArray(Reflect.getMetadata(PATH_METADATA, metatype));
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function') continue;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (paths === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod] ?? 'GET';
        const handlerName = `${metatype.name}.${name}`;
        const defaultStatus =
          (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ??
          (method === 'POST' ? 201 : 200);
        const doc =
          this.reflector.get<OperationDoc | undefined>(OPERATION_DOC, handler as () => unknown) ??
          KNOWN_OPERATIONS[handlerName];
        for (const prefix of prefixes) {
          for (const path of asArray(paths)) {
            routes.push({
              method,
              path: joinRoutePath(prefix, path),
              defaultStatus,
              handler: handlerName,
              doc,
            });
          }
        }
      }
    }
    return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  }
}
