import { resolve, basename } from 'node:path';
import { create } from '@bufbuild/protobuf';
import type {
  sendUnaryData,
  ServerUnaryCall,
  ServerWritableStream,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { diffusionv1 } from '@easel/contracts';
import { extractTraceMetadata, withSpan } from '@easel/telemetry';
import { SpanKind } from '@opentelemetry/api';
import type {
  DiffusionEngine,
  GenerateRequest as EngineRequest,
  GenerateResult as EngineResult,
  OutputFormat,
} from '@easel/engine-diffusion';
import type { ModelCatalog, ModelEntry } from '@easel/model-store';
import { phaseSeconds } from '../diffusion/phase-seconds';
import { GenerationSlots } from '../generation-slots';
import { loadInputImages } from '../inputs/input-image';
import { GrpcError, invalidArgument, modelNotFound, toServiceError } from './errors';

const { GenerationKind, OutputFormat: ProtoOutputFormat } = diffusionv1;

export interface DiffusionServiceOptions {
  engine: DiffusionEngine;
  catalog: ModelCatalog;
  /** The model a request without model_id runs on. */
  defaultModel: string;
  /** Generations run at once; a Generate beyond that is RESOURCE_EXHAUSTED. */
  maxConcurrent: number;
  /** Slots shared with the worker's bus jobs (default: this service's own, `maxConcurrent` of them). */
  slots?: GenerationSlots;
  /** Reported by GetCapacity (default "cpu"). */
  device?: string;
  /** Hosts init_image/mask_image URLs may resolve to despite the SSRF guard (default none). */
  fetchAllowHosts?: readonly string[];
}

const FORMATS: Record<number, OutputFormat> = {
  [ProtoOutputFormat.UNSPECIFIED]: 'png',
  [ProtoOutputFormat.PNG]: 'png',
  [ProtoOutputFormat.JPEG]: 'jpeg',
  [ProtoOutputFormat.WEBP]: 'webp',
};

/** easel.diffusion.v1.DiffusionService on the diffusion engine: handlers for grpc-js `addService`. */
export class DiffusionGrpcService {
  private readonly slots: GenerationSlots;
  /** Model directories seen → model ids, to name the engine's loaded models. */
  private readonly modelIds = new Map<string, string>();

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

  private async generate(
    call: ServerWritableStream<diffusionv1.GenerateRequest, diffusionv1.GenerateEvent>,
  ): Promise<void> {
    const abort = new AbortController();
    const onCancelled = () => abort.abort();
    call.on('cancelled', onCancelled);
    let slot = false;
    try {
      const req = call.request;
      const engineRequest = checkRequest(req);
      const { modelId, model } = await this.findModel(req.tenantId, req.modelId);
      if (!this.slots.tryAcquire()) {
        throw new GrpcError(
          status.RESOURCE_EXHAUSTED,
          `all ${this.slots.total} generation slot(s) are busy; retry later`,
          undefined,
          'no_free_slot',
        );
      }
      slot = true;
      await this.loadImages(req, engineRequest);
      if (abort.signal.aborted || call.cancelled) return;

      const started = performance.now();
      const result = await this.options.engine.generate(model.location, engineRequest, {
        signal: abort.signal,
        onProgress: ({ step, total, elapsedMs }) => {
          if (call.cancelled) return;
          const eta = step > 0 ? ((elapsedMs / step) * (total - step)) / 1000 : 0;
          call.write(
            create(diffusionv1.GenerateEventSchema, {
              event: { case: 'progress', value: { step, total, eta } },
            }),
          );
        },
      });
      if (call.cancelled) return;
      call.write(
        create(diffusionv1.GenerateEventSchema, {
          event: {
            case: 'result',
            value: toProtoResult(result, modelId, (performance.now() - started) / 1000),
          },
        }),
      );
      call.end();
    } catch (error) {
      if (call.cancelled) return; // the client is gone: nobody to tell
      call.emit('error', toServiceError(error));
    } finally {
      if (slot) this.slots.release();
      call.off('cancelled', onCancelled);
    }
  }

  private async listModels(req: diffusionv1.ListModelsRequest): Promise<diffusionv1.ListModelsResponse> {
    const loaded = new Set(this.options.engine.loadedModels());
    const entries = await this.options.catalog.list(req.tenantId);
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

  private async unloadModel(req: diffusionv1.UnloadModelRequest): Promise<diffusionv1.UnloadModelResponse> {
    const { model } = await this.findModel(req.tenantId, requiredModelId(req.modelId));
    return create(diffusionv1.UnloadModelResponseSchema, {
      unloaded: await this.options.engine.unloadModel(model.location),
    });
  }

  capacity(): diffusionv1.GetCapacityResponse {
    return create(diffusionv1.GetCapacityResponseSchema, {
      slotsTotal: this.slots.total,
      slotsBusy: this.slots.busy,
      loadedModels: this.options.engine.loadedModels().map((dir) => this.modelIds.get(dir) ?? basename(dir)),
      device: this.options.device ?? 'cpu',
    });
  }

  private async findModel(
    tenantId: string,
    requested: string | undefined,
  ): Promise<{ modelId: string; model: ModelEntry }> {
    const modelId = requested || this.options.defaultModel;
    const found = await this.options.catalog.find(tenantId, modelId);
    if (!found) throw modelNotFound(modelId);
    // Distributed mode: an uploaded model's files come from the artifact store into the local cache.
    const model = this.options.catalog.materialize ? { ...found, location: await this.options.catalog.materialize(found) } : found;
    this.modelIds.set(resolve(model.location), model.modelId);
    return { modelId, model };
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

  private async loadImages(req: diffusionv1.GenerateRequest, into: EngineRequest): Promise<void> {
    if (req.kind === GenerationKind.TEXT2IMG) return;
    const { initImage, maskImage } = await loadInputImages(req, this.options.fetchAllowHosts ?? []);
    if (initImage) into.initImage = initImage;
    if (maskImage) into.maskImage = maskImage;
  }
}

/** Shape checks the engine cannot make (kind vs images, enum values); the engine checks the ranges. */
function checkRequest(req: diffusionv1.GenerateRequest): EngineRequest {
  if (!(req.kind in GenerationKind)) throw invalidArgument('kind', `unknown generation kind ${req.kind}`);
  if (req.kind === GenerationKind.IMG2IMG && !req.initImage)
    throw invalidArgument('init_image', 'The init image field is required for img2img.');
  if (req.kind === GenerationKind.INPAINT && !req.initImage)
    throw invalidArgument('init_image', 'The init image field is required for inpainting.');
  if (req.kind === GenerationKind.INPAINT && !req.maskImage)
    throw invalidArgument('mask_image', 'The mask image field is required for inpainting.');
  const outputFormat = FORMATS[req.outputFormat];
  if (!outputFormat)
    throw invalidArgument('output_format', 'The output format must be one of png, jpeg, webp.');
  return {
    prompt: req.prompt,
    negativePrompt: req.negativePrompt ?? null,
    width: req.width,
    height: req.height,
    samples: req.samples,
    steps: req.steps,
    guidanceScale: req.guidanceScale,
    seed: req.seed === undefined ? null : Number(req.seed),
    scheduler: req.scheduler,
    useKarrasSigmas: req.useKarrasSigmas,
    algorithmType: req.algorithmType,
    clipSkip: req.clipSkip,
    strength: req.strength,
    outputFormat,
    highresFix: req.highresFix,
    highresFixStrength: req.highresFixStrength,
    panorama: req.panorama,
    selfAttention: req.selfAttention,
    multiLingual: req.multiLingual,
    enhancePrompt: req.enhancePrompt,
  };
}

function requiredModelId(modelId: string): string {
  if (!modelId) throw invalidArgument('model_id', 'The model id field is required.');
  return modelId;
}

function toProtoResult(r: EngineResult, modelId: string, seconds: number): diffusionv1.GenerateResult {
  return create(diffusionv1.GenerateResultSchema, {
    images: r.images.map((data) => ({ data, mimeType: r.mimeType })),
    seeds: r.seeds.map((seed) => BigInt(seed)),
    width: r.width,
    height: r.height,
    steps: r.steps,
    scheduler: r.scheduler,
    modelId,
    format: r.format,
    guidanceScale: r.guidanceScale,
    generationTime: seconds,
    nsfwContentDetected: false,
    timings: phaseSeconds(r.timings),
  });
}

/** A grpc-js unary handler from an async function; thrown errors become gRPC statuses. */
function unary<Req, Res>(fn: (request: Req) => Promise<Res>) {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
    fn(call.request).then(
      (response) => callback(null, response),
      (error: unknown) => callback(toServiceError(error)),
    );
  };
}
