import { toBinary, type DescFile } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { ReflectionService } from '@grpc/reflection';
import { service as healthService } from 'grpc-health-check';

type PackageDefinition = ConstructorParameters<typeof ReflectionService>[0];

/** A file and everything it imports, each once, dependencies first. */
function withDependencies(file: DescFile, seen = new Set<string>(), out: DescFile[] = []): DescFile[] {
  if (seen.has(file.name)) return out;
  seen.add(file.name);
  for (const dependency of file.dependencies) withDependencies(dependency, seen, out);
  out.push(file);
  return out;
}

/**
 * Server reflection (grpc.reflection.v1 and v1alpha) for the given protobuf-es files plus the
 * health service. @grpc/reflection reads a proto-loader package definition, of which it only
 * needs each entry's serialized FileDescriptorProtos: those come from the descriptors embedded
 * in the generated code (no .proto file is read at run time).
 */
export function reflectionService(files: DescFile[]): ReflectionService {
  const seen = new Set<string>();
  const descriptors = files
    .flatMap((file) => withDependencies(file, seen))
    .map((file) => Buffer.from(toBinary(FileDescriptorProtoSchema, file.proto)));
  const definition = {
    'easel.files': { fileDescriptorProtos: descriptors },
    // grpc-health-check's own proto-loader definition carries grpc/health/v1/health.proto.
    'grpc.health.v1.HealthCheckRequest': healthService.Check.requestType,
  } as unknown as PackageDefinition;
  return new ReflectionService(definition);
}
