import {
  fromBinary,
  toBinary,
  type DescMessage,
  type DescService,
  type MessageShape,
} from '@bufbuild/protobuf';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';

/**
 * A @grpc/grpc-js service definition for a protobuf-es service descriptor: the wire paths
 * (`/<package>.<Service>/<Method>`) and binary (de)serialisation of the generated message
 * types. Keys are the methods' camelCase names (`generate`, `listModels`, ...), which is what
 * `server.addService` handlers and `makeGenericClientConstructor` clients use.
 */
export function grpcServiceDefinition(service: DescService): ServiceDefinition {
  const definition: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methods) {
    const kind = method.methodKind;
    definition[method.localName] = {
      path: `/${service.typeName}/${method.name}`,
      originalName: method.name,
      requestStream: kind === 'client_streaming' || kind === 'bidi_streaming',
      responseStream: kind === 'server_streaming' || kind === 'bidi_streaming',
      requestSerialize: serializer(method.input),
      requestDeserialize: deserializer(method.input),
      responseSerialize: serializer(method.output),
      responseDeserialize: deserializer(method.output),
    };
  }
  return definition;
}

const serializer =
  <Desc extends DescMessage>(schema: Desc) =>
  (message: unknown): Buffer => {
    const bytes = toBinary(schema, message as MessageShape<Desc>);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength); // no copy
  };

const deserializer =
  <Desc extends DescMessage>(schema: Desc) =>
  (bytes: Buffer): MessageShape<Desc> =>
    fromBinary(schema, bytes);
