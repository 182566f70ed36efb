import { create, type MessageInitShape } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import { service as healthDefinition } from 'grpc-health-check';
import { chatv1 } from '@easel/contracts';
import { BundledModelCatalog } from '@easel/model-store';
import { GenerationSlots } from '../generation-slots';
import { grpcServiceDefinition, startGrpcServer, type GrpcServerHandle } from '../grpc';
import { MODELS } from '../grpc/test-helpers';
import { ChatCompletions } from './chat-completions';
import { chatGrpcEntry } from './chat-grpc';

/** easel.chat.v1.ChatService over the bundled catalog (easel-chat-tiny). */
describe('ChatService over gRPC', () => {
  const chat = new ChatCompletions({ catalog: new BundledModelCatalog(MODELS), defaultModel: 'easel-chat-tiny', engine: { sequences: 1 } });
  const slots = new GenerationSlots(1);
  let server: GrpcServerHandle;
  let client: any;
  let address: string;

  beforeAll(async () => {
    server = await startGrpcServer({ port: 0, host: '127.0.0.1', services: [chatGrpcEntry(chat, slots, 'cpu')] });
    address = `127.0.0.1:${server.port}`;
    const Client = grpc.makeGenericClientConstructor(grpcServiceDefinition(chatv1.ChatService), 'ChatService');
    client = new Client(address, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await server?.close();
    await chat.close();
  });

  const complete = (fields: MessageInitShape<typeof chatv1.CompleteRequestSchema>) =>
    new Promise<{ events: chatv1.CompleteEvent[]; error?: grpc.ServiceError }>((resolve) => {
      const request = create(chatv1.CompleteRequestSchema, { kind: 'chat', tenantId: 't', maxTokens: 16, temperature: 0, topP: 1, ...fields });
      const events: chatv1.CompleteEvent[] = [];
      const call = client.complete(request);
      call.on('data', (e: chatv1.CompleteEvent) => events.push(e));
      call.on('error', (error: grpc.ServiceError) => resolve({ events, error }));
      call.on('end', () => resolve({ events }));
    });

  it('streams the reply in chunks, then one result', async () => {
    const { events, error } = await complete({ messages: [{ role: 'user', content: 'Which endpoint turns text into an image?' }] });
    expect(error).toBeUndefined();
    const chunks = events.filter((e) => e.event.case === 'chunk').map((e) => (e.event.value as chatv1.ReplyChunk).text);
    expect(chunks.length).toBeGreaterThan(1);
    const result = events.at(-1)!.event;
    expect(result.case).toBe('result');
    expect(result.value).toMatchObject({ text: '/api/v3/text2img', finishReason: 'stop', modelId: 'easel-chat-tiny' });
    expect(chunks.join('')).toBe((result.value as chatv1.CompleteResult).text);
  });

  it('a bad role is INVALID_ARGUMENT; an unknown or non-chat model NOT_FOUND naming model_id', async () => {
    const bad = await complete({ messages: [{ role: 'robot', content: 'hi' }] });
    expect(bad.error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    for (const modelId of ['nope', 'easel-tiny']) {
      const unknown = await complete({ modelId, messages: [{ role: 'user', content: 'hi' }] });
      expect([modelId, unknown.error?.code]).toEqual([modelId, modelId === 'nope' ? grpc.status.NOT_FOUND : grpc.status.INVALID_ARGUMENT]);
      expect(unknown.error?.metadata.get('easel-error-field')).toEqual(['model_id']);
    }
  });

  it('GetCapacity names the loaded chat model; health serves the service', async () => {
    const capacity = await new Promise<chatv1.GetCapacityResponse>((resolve, reject) =>
      client.getCapacity(create(chatv1.GetCapacityRequestSchema, {}), (e: grpc.ServiceError | null, r: chatv1.GetCapacityResponse) => (e ? reject(e) : resolve(r))),
    );
    expect(capacity).toMatchObject({ slotsTotal: 1, slotsBusy: 0, loadedModels: ['easel-chat-tiny'], device: 'cpu' });
    const Health = grpc.makeGenericClientConstructor(healthDefinition as unknown as grpc.ServiceDefinition, 'Health');
    const health: any = new Health(address, grpc.credentials.createInsecure());
    const status = await new Promise<any>((resolve, reject) => health.Check({ service: 'easel.chat.v1.ChatService' }, (e: any, r: any) => (e ? reject(e) : resolve(r))));
    health.close();
    expect(status).toEqual({ status: 'SERVING' });
  });
});
