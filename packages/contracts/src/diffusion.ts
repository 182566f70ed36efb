export const DIFFUSION_SERVICE = 'diffusion';

/** A diffusion job's parameters, as the gateway validated them (camelCase of API.md's fields). */
export interface DiffusionParams {
  kind: 'text2img' | 'img2img' | 'inpaint';
  prompt: string;
  negativePrompt: string | null;
  width: number | null;
  height: number | null;
  samples: number;
  steps: number;
  guidanceScale: number;
  seed: number | null;
  scheduler: string | null;
  useKarrasSigmas: boolean;
  algorithmType: string | null;
  clipSkip: number;
  strength: number | null;
  /** URL or base64, as the client sent it; the worker fetches/decodes. */
  initImage: string | null;
  maskImage: string | null;
  outputFormat: 'png' | 'jpeg' | 'webp';
  /** Artifact links expire soon (`temp: yes`). */
  temp: boolean;
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
}
