import { createReadStream, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Controller, Get, Header, Inject, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { EaselConfig } from '@easel/config';
import { NotFoundError } from '../common/api-errors';
import { CONFIG } from '../tokens';
import { ServiceRegistry } from '../jobs/service-registry';
import { buildOpenApiDocument } from './openapi-document';
import { ApiOperationDoc } from './operation-doc';
import { RouteCatalog } from './route-catalog';

/** swagger-ui-dist's files that /docs serves, with their content types. Nothing else is reachable. */
const SWAGGER_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-16x16.png': 'image/png',
  'favicon-32x32.png': 'image/png',
  'oauth2-redirect.html': 'text/html; charset=utf-8',
  'oauth2-redirect.js': 'text/javascript; charset=utf-8',
};

/** Where swagger-ui-dist is installed (resolved from this package, so pnpm's layout is honoured). */
export const SWAGGER_UI_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));

const DOCS_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Easel API</title>
    <link rel="stylesheet" type="text/css" href="/docs/swagger-ui.css" />
    <link rel="stylesheet" type="text/css" href="/docs/index.css" />
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32" />
    <link rel="icon" type="image/png" href="/docs/favicon-16x16.png" sizes="16x16" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="/docs/swagger-ui-standalone-preset.js" charset="UTF-8"></script>
    <script src="/docs/easel-initializer.js" charset="UTF-8"></script>
  </body>
</html>
`;

/** Points Swagger UI at this server's document (a file, not an inline script, so a strict CSP can allow it). */
const INITIALIZER_JS = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  });
};
`;

function packageVersion(): string {
  try {
    // src/openapi or dist/openapi → the package root.
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** The OpenAPI document of this gateway and Swagger UI for it, served from the installed swagger-ui-dist (no CDN). */
@Controller()
export class OpenApiController {
  private document?: Record<string, unknown>;

  constructor(
    private readonly catalog: RouteCatalog,
    private readonly services: ServiceRegistry,
    @Inject(CONFIG) private readonly config: EaselConfig,
  ) {}

  @Get('openapi.json')
  @ApiOperationDoc({
    summary: 'This document (OpenAPI 3.1)',
    tags: ['operations'],
    request: { type: 'none' },
    success: [{ status: 200, contentType: 'application/json', description: 'The OpenAPI 3.1 document.' }],
  })
  openapi() {
    this.document ??= buildOpenApiDocument(this.catalog.routes(), {
      version: packageVersion(),
      serverUrl: this.config.EASEL_PUBLIC_URL?.replace(/\/$/, ''),
      job: (kind, requireModelId) => {
        const definition = this.services.forKind(kind);
        return { schema: definition.requestSchema(kind, { requireModelId }), pricing: definition.pricing };
      },
    });
    return this.document;
  }

  @Get('docs')
  @Header('content-type', 'text/html; charset=utf-8')
  @ApiOperationDoc({
    summary: 'Swagger UI for this document',
    tags: ['operations'],
    request: { type: 'none' },
    success: [{ status: 200, contentType: 'text/html', description: 'The Swagger UI page.' }],
  })
  docs() {
    return DOCS_HTML;
  }

  @Get('docs/:file')
  @ApiOperationDoc({
    summary: "Swagger UI's static files",
    tags: ['operations'],
    request: { type: 'none' },
    success: [
      {
        status: 200,
        contentType: 'application/octet-stream',
        description: 'A CSS, JavaScript or image file of swagger-ui-dist.',
      },
    ],
  })
  asset(@Param('file') file: string, @Res() reply: FastifyReply) {
    if (file === 'easel-initializer.js') {
      return reply
        .header('content-type', 'text/javascript; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(INITIALIZER_JS);
    }
    const contentType = Object.hasOwn(SWAGGER_FILES, file) ? SWAGGER_FILES[file] : undefined;
    if (!contentType) throw new NotFoundError('Not found');
    return reply
      .header('content-type', contentType)
      .header('cache-control', 'public, max-age=3600')
      .send(createReadStream(join(SWAGGER_UI_DIR, file)));
  }
}
