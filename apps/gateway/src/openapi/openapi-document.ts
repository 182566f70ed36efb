/**
 * Builds the OpenAPI 3.1 document from the routes Nest registered (RouteCatalog) and the
 * services' request schemas (each ServiceDefinition's, made from its parser's field table). Nothing here lists routes by hand: a route
 * without documentation still appears, with a generic description.
 */
import { PARAMETERS, RESPONSES, SCHEMAS } from './components';
import type { Schema } from '../common/request/json-schema';
import type { OperationDoc, RequestDoc } from './operation-doc';
import type { RouteInfo } from './route-catalog';

export interface DocumentOptions {
  version: string;
  /** Base URL for `servers` (EASEL_PUBLIC_URL); omitted: relative to where the document was fetched. */
  serverUrl?: string;
  /** A job route's body schema and price (its ServiceDefinition's); without it, a `{key}` body. */
  job?: (kind: string, requireModelId: boolean) => { schema: Schema; pricing: string };
}

const OPENAPI_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const responseRef = (name: string) => ({ $ref: `#/components/responses/${name}` });
const json = (schema: Schema) => ({ 'application/json': { schema } });

/** `/api/v3/fetch/:id` → `/api/v3/fetch/{id}`, with the parameter names. */
export function toOpenApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const converted = path.replace(/:([A-Za-z0-9_]+)\??/g, (_m, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: converted, params };
}

/** `GenerationController.dreamboothText2img` → "dreambooth text2img". */
function humanize(handler: string): string {
  const method = handler.split('.').pop() ?? handler;
  return method.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function operationId(route: RouteInfo, path: string): string {
  return `${route.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`;
}

const KEY_ERRORS = {
  '400': responseRef('InvalidApiKey'),
  '401': responseRef('InvalidApiKey'),
  '403': responseRef('Forbidden'),
};

function requestBody(request: RequestDoc, options: DocumentOptions): Schema | undefined {
  switch (request.type) {
    case 'job':
      return {
        required: true,
        content: json(
          options.job?.(request.kind, request.requireModelId === true).schema ?? schemaRef('KeyBody'),
        ),
      };
    case 'fetch':
      return { required: true, content: json(schemaRef('FetchBody')) };
    case 'job-id':
      return {
        required: true,
        content: json({
          type: 'object',
          required: ['key'],
          properties: {
            key: { type: 'string' },
            id: { anyOf: [schemaRef('JobId'), { type: 'string', pattern: '^\\s*\\d+\\s*$' }] },
            request_id: {
              anyOf: [schemaRef('JobId'), { type: 'string', pattern: '^\\s*\\d+\\s*$' }],
              description: 'Used when id is absent.',
            },
          },
          additionalProperties: true,
        }),
      };
    case 'key':
    case 'key-and-fields':
      return { required: true, content: json(schemaRef('KeyBody')) };
    case 'none':
    case 'query-key':
      return undefined;
  }
}

function responsesFor(route: RouteInfo, doc: OperationDoc, request: RequestDoc): Record<string, Schema> {
  const responses: Record<string, Schema> = {};
  if (request.type === 'job') {
    responses['200'] = {
      description: 'The job ended within the sync window: the success shape, or the failed shape.',
      content: json({ oneOf: [schemaRef('GenerationSuccess'), schemaRef('GenerationFailed')] }),
    };
    responses['202'] = {
      description: 'Queued or running: fetch it later.',
      content: json(schemaRef('GenerationProcessing')),
    };
    Object.assign(responses, KEY_ERRORS);
    responses['402'] = responseRef('InsufficientCredits');
    responses['404'] = responseRef('ModelNotFound');
    responses['422'] = responseRef('ValidationError');
    responses['429'] = responseRef('RateLimitExceeded');
    return responses;
  }
  if (request.type === 'fetch') {
    responses['200'] = {
      description: 'The job ended (success or failed shape).',
      content: json({ oneOf: [schemaRef('GenerationSuccess'), schemaRef('GenerationFailed')] }),
    };
    responses['202'] = { description: 'Not ended yet.', content: json(schemaRef('GenerationProcessing')) };
    Object.assign(responses, KEY_ERRORS);
    responses['404'] = responseRef('NotFound');
    responses['422'] = responseRef('ValidationError');
    return responses;
  }
  for (const success of doc.success ?? []) {
    responses[String(success.status)] = {
      description: success.description ?? 'Success.',
      ...(success.schema
        ? { content: json(schemaRef(success.schema)) }
        : success.contentType
          ? {
              content: {
                [success.contentType]: { schema: { type: 'string', contentMediaType: success.contentType } },
              },
            }
          : {}),
    };
  }
  if (Object.keys(responses).length === 0) {
    responses[String(route.defaultStatus)] = {
      description: 'A JSON body in the dialect (`status` success | processing | error | failed).',
      content: json({ type: ['object', 'array'] }),
    };
  }
  if (request.type === 'query-key') {
    Object.assign(responses, KEY_ERRORS);
    if (route.path.includes(':')) responses['404'] = responseRef('NotFound');
    if (doc.query?.length) responses['422'] = responseRef('ValidationError');
  } else if (request.type !== 'none') {
    Object.assign(responses, KEY_ERRORS);
    responses['422'] = responseRef('ValidationError');
  } else if (route.path.includes(':')) {
    responses['404'] = responseRef('NotFound');
  }
  return responses;
}

/** The generic description of a route nobody documented: a POST takes `{key}`, a GET nothing. */
function genericDoc(route: RouteInfo): OperationDoc {
  return {
    summary: humanize(route.handler),
    description: `Undocumented route (${route.handler}).`,
    tags: ['other'],
    request: route.method === 'POST' ? { type: 'key-and-fields' } : { type: 'none' },
  };
}

export function buildOpenApiDocument(routes: RouteInfo[], options: DocumentOptions): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const method = route.method.toLowerCase();
    if (!OPENAPI_METHODS.has(method)) continue;
    const doc = route.doc ?? genericDoc(route);
    const request =
      doc.request ??
      (route.method === 'POST' ? { type: 'key-and-fields' as const } : { type: 'none' as const });
    const { path, params } = toOpenApiPath(route.path);
    const parameters: Schema[] = params.map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: name === 'id' ? { type: 'string', pattern: '^\\s*\\d+\\s*$' } : { type: 'string' },
    }));
    if (request.type === 'job') parameters.push({ $ref: '#/components/parameters/IdempotencyKey' });
    if (request.type === 'query-key') parameters.push({ $ref: '#/components/parameters/QueryKey' });
    parameters.push(...(doc.query ?? []));
    const body = requestBody(request, options);
    const job =
      request.type === 'job' ? options.job?.(request.kind, request.requireModelId === true) : undefined;
    const description = [doc.description, job && `Price: ${job.pricing}`].filter(Boolean).join(' ');
    const operation: Record<string, unknown> = {
      operationId: operationId(route, path),
      summary: doc.summary,
      ...(description ? { description } : {}),
      ...(request.type === 'job' ? { 'x-easel-job-kind': request.kind } : {}),
      tags: doc.tags ?? ['other'],
      ...(parameters.length ? { parameters } : {}),
      ...(body ? { requestBody: body } : {}),
      responses: responsesFor(route, doc, request),
      'x-easel-handler': route.handler,
    };
    (paths[path] ??= {})[method] = operation;
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: {
      title: 'Easel',
      version: options.version,
      summary: 'A self-hosted server of the Stable Diffusion API (ModelsLab) dialect.',
      description: [
        'Every API call is `POST` with `Content-Type: application/json` and the API key in the body as `key`.',
        "Responses are JSON with `status` one of success, processing, error, failed; HTTP status codes follow them (200/202, 4xx for the client's mistakes, 5xx for ours).",
        'Numbers may be sent as strings, flags as yes/no, true/false or 1/0, and null or "" for "unset".',
        '',
        "Easel's own additions: `Idempotency-Key` (the same key returns the first job), the `error` field of failed jobs, `output_format`, signed webhooks with a delivery log (`/api/v3/webhook_logs`), `/healthz`, `/readyz`, `/metrics`, this document and `/docs`.",
        "This document is generated from the running routes and the request parser's limits and defaults.",
      ].join('\n'),
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    paths,
    components: { schemas: SCHEMAS, responses: RESPONSES, parameters: PARAMETERS },
  };
}
