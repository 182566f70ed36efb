import { create, type MessageInitShape } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import { meshv1 } from '@easel/contracts';
import { BundledModelCatalog } from '@easel/model-store';
import { GenerationSlots } from '../generation-slots';
import { grpcServiceDefinition, startGrpcServer, type GrpcServerHandle } from '../grpc';
import { MODELS } from '../grpc/test-helpers';
import { MeshGeneration } from './mesh-generation';
import { meshGrpcEntry } from './mesh-grpc';

/** easel.mesh.v1.MeshService over the bundled catalog (easel-tiny-mesh): coarse meshes. */
describe('MeshService over gRPC', () => {
  const mesh = new MeshGeneration({ catalog: new BundledModelCatalog(MODELS), defaultModel: 'easel-tiny-mesh', fetchAllowHosts: [], session: { intraOpNumThreads: 1 } });
  const slots = new GenerationSlots(1);
  let server: GrpcServerHandle;
  let client: any;

  beforeAll(async () => {
    server = await startGrpcServer({ port: 0, host: '127.0.0.1', services: [meshGrpcEntry(mesh, slots)] });
    const Client = grpc.makeGenericClientConstructor(grpcServiceDefinition(meshv1.MeshService), 'MeshService');
    client = new Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await server?.close();
    await mesh.close();
  });

  const generate = (fields: MessageInitShape<typeof meshv1.GenerateRequestSchema>) =>
    new Promise<{ events: meshv1.GenerateResponse[]; error?: grpc.ServiceError }>((resolve) => {
      const request = create(meshv1.GenerateRequestSchema, {
        kind: 'text_to_3d',
        prompt: 'a red cube',
        tenantId: 't',
        seed: 4n,
        numInferenceSteps: 3,
        guidanceScale: 3,
        resolution: 32,
        outputFormat: 'glb',
        meshSimplify: 0,
        removeBg: true,
        foregroundRatio: 0.85,
        ...fields,
      });
      const events: meshv1.GenerateResponse[] = [];
      const call = client.generate(request);
      call.on('data', (e: meshv1.GenerateResponse) => events.push(e));
      call.on('error', (error: grpc.ServiceError) => resolve({ events, error }));
      call.on('end', () => resolve({ events }));
    });

  it('streams a progress event per prior step, the surface and the files, then the mesh and its preview', async () => {
    const { events, error } = await generate({ render: true });
    expect(error).toBeUndefined();
    const progress = events.filter((e) => e.event.case === 'progress').map((e) => e.event.value as meshv1.MeshProgress);
    expect(progress.map((p) => `${p.phase} ${p.step}/${p.total}`)).toEqual(['denoise 1/5', 'denoise 2/5', 'denoise 3/5', 'surface 4/5', 'files 5/5']);
    const last = events.at(-1)!.event;
    expect(last.case).toBe('mesh');
    const value = last.value as meshv1.MeshFiles;
    expect(value).toMatchObject({ mimeType: 'model/gltf-binary', seed: 4n, modelId: 'easel-tiny-mesh' });
    expect(value.triangles).toBeGreaterThan(0);
    expect(Buffer.from(value.mesh).subarray(0, 4).toString('latin1')).toBe('glTF');
    expect(Buffer.from(value.preview).subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(Buffer.from(value.turntable!).subarray(0, 6).toString('latin1')).toBe('GIF89a');
  });

  it('a bad grid is INVALID_ARGUMENT; an unknown model NOT_FOUND and an image model INVALID_ARGUMENT, naming model_id', async () => {
    expect((await generate({ resolution: 4096 })).error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect((await generate({ outputFormat: 'fbx' })).error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    for (const [modelId, code] of [['nope', grpc.status.NOT_FOUND], ['easel-tiny', grpc.status.INVALID_ARGUMENT]] as const) {
      const r = await generate({ modelId });
      expect([modelId, r.error?.code]).toEqual([modelId, code]);
      expect(r.error?.metadata.get('easel-error-field')).toEqual(['model_id']);
    }
  });
});
