export { OpenApiModule } from './openapi.module';
export { ApiOperationDoc, type OperationDoc, type RequestDoc } from './operation-doc';
export { RouteCatalog, type RouteInfo } from './route-catalog';
export { buildOpenApiDocument } from './openapi-document';
