import type { ModelFamily } from '@easel/engine-diffusion/dist/adapter-files';

/**
 * controlnet: a ControlNet's folder (model.onnx); face_restore: a GFPGAN/CodeFormer-style ONNX graph (one file), for face_restore and
 * face_enhance; llm: a chat model, one GGUF file (llama.cpp); video: a motion model's folder (unet/model.onnx, model_index.json
 * naming the image model it extends); 3d: a text/image-to-3D model's folder (prior, shape_decoder, text and image encoders);
 * voice: a voice-cloning model's folder (speaker_encoder, converter, config.json) or a Piper voice (`<name>.onnx` + `.onnx.json`).
 */
export type ModelCategory = 'stable_diffusion' | 'lora' | 'embeddings' | 'controlnet' | 'face_restore' | 'llm' | 'video' | '3d' | 'voice';

export interface ModelEntry {
  modelId: string;
  name: string;
  category: ModelCategory;
  visibility: 'public' | 'private';
  status: 'ready' | 'loading' | 'failed';
  /** Absolute path of the model's directory (diffusers ONNX layout) or file. */
  location: string;
  /** null for models every tenant sees. */
  tenantId: string | null;
  /** Why a load failed (status 'failed'). */
  error?: string | null;
  /**
   * stable_diffusion: the family and paired refiner (model-traits.ts) read from its files when they were
   * verified. Absent or null: not recorded (a row loaded before they were), read them from the files.
   */
  family?: ModelFamily | null;
  refiner?: string | null;
}

/** The models a tenant may use. Implementations: the bundled models; later the per-tenant store. */
export interface ModelCatalog {
  list(tenantId: string): Promise<ModelEntry[]>;
  /** The model if this tenant may use it and it is ready to run, else null. */
  find(tenantId: string, modelId: string): Promise<ModelEntry | null>;
  /**
   * A local path of the entry's files, fetched first where they live elsewhere (distributed mode:
   * the artifact store, synced to this worker's cache). Absent: `location` is already local.
   */
  materialize?(entry: ModelEntry): Promise<string>;
  /** Where `materialize` keeps a location's files in this process (null: the location itself is local). */
  localCopyOf?(location: string): string | null;
  /** Removes this process's copy of a deleted model's files. */
  removeLocalCopy?(location: string): Promise<void>;
}

export const MODEL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
