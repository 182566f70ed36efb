import { resolve } from 'node:path';
import { create } from '@bufbuild/protobuf';
import type { ServerWritableStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { diffusionv1, fromDirectGenerateRequest, LLM_CATEGORY, MalformedMessageError, MESH_CATEGORY, VIDEO_CATEGORY, VOICE_CATEGORY, type DirectDiffusionParams } from '@easel/contracts';
import { extractTraceMetadata, withSpan } from '@easel/telemetry';
import { SpanKind } from '@opentelemetry/api';
import type { DiffusionEngine } from '@easel/engine-diffusion';
import type { ModelCatalog, ModelEntry } from '@easel/model-store';
import type { DiffusionGeneration } from '../diffusion/diffusion-generation';
import { generationCapacity } from './generation-capacity';
import { streamGeneration } from './generation-stream';
import { GenerationSlots } from '../generation-slots';
import { GrpcError, invalidArgument, modelNotFound } from './errors';
import { unary } from './unary';

export interface DiffusionServiceOptions {
  /** Runs Generate calls: the same path as the worker's bus jobs (model routing, LoRAs, embeddings, upscale, NSFW check). */
  generation: DiffusionGeneration;
  /** The engine `generation` runs on, for LoadModel / UnloadModel / GetCapacity. */
  engine: DiffusionEngine;
  catalog: ModelCatalog;
  /** Generations run at once; a Generate beyond that is RESOURCE_EXHAUSTED. */
  maxConcurrent: number;
  /** Slots shared with the worker's bus jobs (default: this service's own, `maxConcurrent` of them). */
  slots?: GenerationSlots;
  /** Reported by GetCapacity (default "cpu"). */
  device?: string;
}

/** easel.diffusion.v1.DiffusionService on the diffusion engine: handlers for grpc-js `addService`. */
export class DiffusionGrpcService {
  private readonly slots: GenerationSlots;

  constructor(private readonly options: DiffusionServiceOptions) {
    if (!Number.isInteger(options.maxConcurrent) || options.maxConcurrent < 1)
      throw new Error('maxConcurrent must be an integer ≥ 1');
    this.slots = options.slots ?? new GenerationSlots(options.maxConcurrent);
  }

  get slotsBusy(): number {
    return this.slots.busy;
  }

  handlers(): UntypedServiceImplementation {
    return {
      // A server span per Generate, child of the caller's trace context (W3C `traceparent` in the call metadata):
      // the engine's phase spans nest under it.
      generate: (call: ServerWritableStream<diffusionv1.GenerateRequest, diffusionv1.GenerateEvent>) =>
        void withSpan(
          'easel.diffusion.v1.DiffusionService/Generate',
          { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'grpc', 'rpc.service': 'easel.diffusion.v1.DiffusionService', 'rpc.method': 'Generate' } },
          () => this.generate(call),
          extractTraceMetadata(call.metadata),
        ),
      listModels: unary((req: diffusionv1.ListModelsRequest) => this.listModels(req)),
      loadModel: unary((req: diffusionv1.LoadModelRequest) => this.loadModel(req)),
      unloadModel: unary((req: diffusionv1.UnloadModelRequest) => this.unloadModel(req)),
      getCapacity: unary(async () => this.capacity()),
    };
  }

  private generate(call: ServerWritableStream<diffusionv1.GenerateRequest, diffusionv1.GenerateEvent>): Promise<void> {
    return streamGeneration(call, {
      generation: this.options.generation,
      slots: this.slots,
      input: (req) => ({ tenantId: req.tenantId, modelId: req.modelId || null, params: readParams(req) }),
      event: (event) => create(diffusionv1.GenerateEventSchema, { event }),
    });
  }

  private async listModels(req: diffusionv1.ListModelsRequest): Promise<diffusionv1.ListModelsResponse> {
    const loaded = new Set(this.options.engine.loadedModels());
    // The models a generation can use: chat (llm), video, 3D and voice models are their own services'.
    const others = new Set<string>([LLM_CATEGORY, VIDEO_CATEGORY, MESH_CATEGORY, VOICE_CATEGORY]);
    const entries = (await this.options.catalog.list(req.tenantId)).filter((e) => !others.has(e.category));
    return create(diffusionv1.ListModelsResponseSchema, {
      models: entries.map((e) => this.toProtoModel(e, loaded)),
    });
  }

  private async loadModel(req: diffusionv1.LoadModelRequest): Promise<diffusionv1.LoadModelResponse> {
    const { model } = await this.findModel(req.tenantId, requiredModelId(req.modelId));
    const started = performance.now();
    const loaded = await this.options.engine.loadModel(model.location);
    return create(diffusionv1.LoadModelResponseSchema, {
      model: this.toProtoModel(model, new Set(this.options.engine.loadedModels())),
      nativeSize: loaded.info.nativeSize,
      bytes: BigInt(loaded.info.bytes),
      loadTime: (performance.now() - started) / 1000,
    });
  }

  /** Any category: unloading a LoRA or embedding drops every model variant merged with it. */
  private async unloadModel(req: diffusionv1.UnloadModelRequest): Promise<diffusionv1.UnloadModelResponse> {
    const { catalog, engine } = this.options;
    const model = await catalog.find(req.tenantId, requiredModelId(req.modelId));
    if (!model) throw modelNotFound(req.modelId);
    const location = catalog.materialize ? await catalog.materialize(model) : model.location;
    return create(diffusionv1.UnloadModelResponseSchema, { unloaded: await engine.unloadModel(location) });
  }

  capacity(): diffusionv1.GetCapacityResponse {
    const { engine, generation, device } = this.options;
    return create(diffusionv1.GetCapacityResponseSchema, generationCapacity(this.slots, engine, generation, device ?? 'cpu'));
  }

  private async findModel(tenantId: string, requested: string): Promise<{ modelId: string; model: ModelEntry }> {
    const { modelId, model, location } = await this.options.generation.resolveModel(tenantId, requested || null);
    return { modelId, model: { ...model, location } };
  }

  private toProtoModel(entry: ModelEntry, loaded: ReadonlySet<string>): diffusionv1.Model {
    return create(diffusionv1.ModelSchema, {
      modelId: entry.modelId,
      name: entry.name,
      category: entry.category,
      visibility: entry.visibility,
      status: entry.status,
      loaded: loaded.has(resolve(entry.location)),
    });
  }

}

/** The request's parameters; out-of-range enums and values are INVALID_ARGUMENT (the engine checks the rest). */
function readParams(req: diffusionv1.GenerateRequest): DirectDiffusionParams {
  try {
    return fromDirectGenerateRequest(req);
  } catch (error) {
    if (error instanceof MalformedMessageError) throw new GrpcError(status.INVALID_ARGUMENT, error.message, undefined, 'invalid_argument');
    throw error;
  }
}

function requiredModelId(modelId: string): string {
  if (!modelId) throw invalidArgument('model_id', 'The model id field is required.');
  return modelId;
}
