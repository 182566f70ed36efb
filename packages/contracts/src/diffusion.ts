export const DIFFUSION_SERVICE = 'diffusion';

/**
 * File extension per output format: the gateway names `future_links` with it before the
 * worker has written anything, so both must take it from here.
 */
export const OUTPUT_EXTENSIONS = { png: 'png', jpeg: 'jpg', webp: 'webp' } as const;

/** A diffusion job's parameters, as the gateway validated them (camelCase of API.md's fields). */
export interface DiffusionParams {
  kind: 'text2img' | 'img2img' | 'inpaint';
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
  /** LoRA model ids (the tenant's or public, category lora), merged in this order. */
  loraModel?: string[];
  /** One strength per LoRA. */
  loraStrength?: number[];
  /** Textual-inversion model ids (category embeddings); each one's id is its prompt token. */
  embeddingsModel?: string[];
}

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
  timings: Record<string, number>;
  /** What the LoRAs / embeddings merged, with every LoRA key that matched no weight. */
  adapters?: {
    loras: Array<{ name: string; strength: number; applied: number; unmapped: string[] }>;
    embeddings: Array<{ name: string; token: string; vectors: number }>;
  };
}
