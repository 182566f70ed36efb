export const DIFFUSION_SERVICE = 'diffusion';
/** The generation kinds (the v3/v4 generation endpoints). */
export const DIFFUSION_KINDS = ['text2img', 'img2img', 'inpaint'] as const;
/**
 * `outpaint` (/api/v6/image_editing/outpaint): served at the image_editing family's path, but a
 * kind of the diffusion service, because it runs the UNet — its jobs go to the diffusion (GPU) pool
 * where the models are loaded, not to the CPU editing pool.
 */
export const OUTPAINT_KIND = 'outpaint';
/** Every job kind the diffusion service runs. */
export const DIFFUSION_SERVICE_KINDS = [...DIFFUSION_KINDS, OUTPAINT_KIND] as const;
export type DiffusionKind = (typeof DIFFUSION_SERVICE_KINDS)[number];

/** Pixels an outpaint canvas grows by on each side. */
export interface OutpaintSides {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Where an outpaint canvas grows (the kind `outpaint`; `initImage` is the image). */
export interface OutpaintParams {
  /** null: `width` × `height` is the canvas, the image centred on it. */
  extend: OutpaintSides | null;
  /** Pixels of the image along each new edge that are repainted and blended into the fill. */
  overlapWidth: number;
}

/**
 * File extension per output format: the gateway names `future_links` with it before the
 * worker has written anything, so both must take it from here.
 */
export const OUTPUT_EXTENSIONS = { png: 'png', jpeg: 'jpg', webp: 'webp' } as const;

/** A diffusion job's parameters, as the gateway validated them (camelCase of API.md's fields). */
export interface DiffusionParams {
  kind: DiffusionKind;
  prompt: string;
  negativePrompt: string | null;
  /** null → the model's default size. */
  width: number | null;
  height: number | null;
  samples: number;
  steps: number;
  guidanceScale: number;
  /** null → random (the gateway fixes one before queueing, so a retried job draws the same pixels). */
  seed: number | null;
  /** As the client wrote it (trimmed); the engine resolves names and labels. null → the model's scheduler. */
  scheduler: string | null;
  useKarrasSigmas: boolean;
  algorithmType: string | null;
  clipSkip: number;
  /** img2img/inpaint only (`strength` or its alias `prompt_strength`); null → the engine decides. */
  strength: number | null;
  /** URL or base64, as the client sent it; the worker fetches/decodes. */
  initImage: string | null;
  maskImage: string | null;
  /** Easel extension (`output_format`): the artifacts' encoding. */
  outputFormat: 'png' | 'jpeg' | 'webp';
  /** Artifact links expire soon (`temp: yes`). */
  temp: boolean;
  /** Optional features (issue 10); absent (jobs queued before they existed) means off. */
  highresFix?: boolean;
  /** `highres_fix_strength` (Easel's addition): the second pass's denoising strength; null → the engine's default. */
  highresFixStrength?: number | null;
  panorama?: boolean;
  selfAttention?: boolean;
  multiLingual?: boolean;
  enhancePrompt?: boolean;
  /** `safety_checker`: classify every output (and the init image) and replace flagged ones. Absent → yes. */
  safetyChecker?: boolean;
  /** What a flagged output becomes. Absent → blank. */
  safetyCheckerType?: SafetyReplacement;
  /** `upscale`: super-resolution factor applied to every output after generation; null/absent → none. */
  upscale?: 2 | 3 | 4 | null;
  /** LoRA model ids (the tenant's or public, category lora), merged in this order. */
  loraModel?: string[];
  /** One strength per LoRA. */
  loraStrength?: number[];
  /** Textual-inversion model ids (category embeddings); each one's id is its prompt token. */
  embeddingsModel?: string[];
  /** kind `outpaint` only: where the canvas grows; `width`/`height` are the target canvas. */
  outpaint?: OutpaintParams | null;
  /** `refiner: yes` on an SDXL base model: its paired refiner's model id, resolved by the gateway. null/absent: none. */
  refinerModel?: string | null;
}

export type SafetyReplacement = 'blank' | 'blur' | 'pixelate' | 'black';

/**
 * A diffusion job built in code rather than parsed from a request (the trainer's class images, an
 * outpaint's canvas pass, tests): every required field at its plain value (text2img, the model's
 * size and scheduler, 20 steps, guidance 7.5, no optional feature), then `fields` over them.
 */
export function diffusionParams(fields: Partial<DiffusionParams> & Pick<DiffusionParams, 'prompt'>): DiffusionParams {
  return {
    kind: 'text2img',
    negativePrompt: null,
    width: null,
    height: null,
    samples: 1,
    steps: 20,
    guidanceScale: 7.5,
    seed: null,
    scheduler: null,
    useKarrasSigmas: false,
    algorithmType: null,
    clipSkip: 1,
    strength: null,
    initImage: null,
    maskImage: null,
    outputFormat: 'png',
    temp: false,
    ...fields,
  };
}

/** Fields the gateway always sets that a direct gRPC caller may leave unset (the engine's defaults apply). */
export type EngineDefaultedField = 'samples' | 'steps' | 'guidanceScale' | 'clipSkip';

/** The parameters of a direct gRPC Generate call: DiffusionParams with the engine-defaulted fields optional. */
export type DirectDiffusionParams = Omit<DiffusionParams, EngineDefaultedField> &
  Partial<Pick<DiffusionParams, EngineDefaultedField>>;

/** What a successful diffusion job stores as its result. */
export interface DiffusionResult {
  seeds: number[];
  width: number;
  height: number;
  steps: number;
  scheduler: string;
  modelId: string;
  format: string;
  generationTime: number;
  nsfwContentDetected: boolean;
  /** The NSFW checker's score per output (before replacement); absent when the checker did not run. */
  nsfwScores?: number[];
  /** The init image's score, when it was checked. */
  initImageNsfwScore?: number;
  /** Size before `upscale` (width/height are the delivered size). */
  generatedWidth?: number;
  generatedHeight?: number;
  /** Seconds per phase; `upscale` and `safety_checker` when they ran. */
  timings: Record<string, number>;
  /** What the optional features did (snake_case, merged into the response meta); absent when none ran. */
  featureMeta?: Record<string, unknown>;
  /** What the LoRAs / embeddings merged, with every LoRA key that matched no weight. */
  adapters?: {
    loras: Array<{ name: string; strength: number; applied: number; unmapped: string[] }>;
    embeddings: Array<{ name: string; token: string; vectors: number }>;
  };
}
