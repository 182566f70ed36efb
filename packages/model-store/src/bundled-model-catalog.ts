import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_ID_PATTERN, type ModelCatalog, type ModelCategory, type ModelEntry } from './model-catalog';
import { readModelTraitsSync } from './model-traits';

interface BundledManifest {
  models: {
    model_id: string;
    model_name: string;
    category: ModelCategory;
    /**
     * LoRA / embeddings: the .safetensors file; controlnet: the folder of its model.onnx; relative to
     * the models folder (a base model is the folder named by its id).
     */
    path?: string;
    /** Listed only while its files exist (adapters trained and committed separately from the manifest). */
    optional?: boolean;
  }[];
}

/** The models shipped in the repository's models/ folder and listed in its bundled.json. */
export class BundledModelCatalog implements ModelCatalog {
  private readonly entries: ModelEntry[];

  constructor(modelsDir: string) {
    const manifestPath = join(modelsDir, 'bundled.json');
    if (!existsSync(manifestPath)) throw new Error(`no bundled model manifest at ${manifestPath}`);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as BundledManifest;
    this.entries = manifest.models.flatMap((m): ModelEntry[] => {
      if (!MODEL_ID_PATTERN.test(m.model_id)) throw new Error(`bundled.json: invalid model_id ${JSON.stringify(m.model_id)}`);
      const adapter = m.category === 'lora' || m.category === 'embeddings';
      const controlnet = m.category === 'controlnet';
      const llm = m.category === 'llm';
      if (llm && (!m.path || !m.path.endsWith('.gguf') || m.path.split(/[\\/]/).includes('..'))) throw new Error(`bundled.json: ${m.model_id} (llm) needs a "path" to a .gguf file inside the models folder`);
      if (adapter && (!m.path || !m.path.endsWith('.safetensors') || m.path.split(/[\\/]/).includes('..'))) throw new Error(`bundled.json: ${m.model_id} (${m.category}) needs a "path" to a .safetensors file inside the models folder`);
      if (controlnet && (!m.path || m.path.split(/[\\/]/).includes('..'))) throw new Error(`bundled.json: ${m.model_id} (controlnet) needs a "path" to its folder inside the models folder`);
      const location = adapter || controlnet || llm ? join(modelsDir, m.path!) : join(modelsDir, m.model_id);
      const required = adapter || llm ? location : join(location, controlnet ? 'model.onnx' : m.category === 'voice' ? 'config.json' : 'model_index.json');
      if (!existsSync(required)) {
        if (m.optional) return [];
        throw new Error(`bundled.json lists ${m.model_id}, but ${required} does not exist`);
      }
      const traits = m.category === 'stable_diffusion' ? readModelTraitsSync(location) : { family: null, refiner: null };
      return [{ modelId: m.model_id, name: m.model_name, category: m.category, visibility: 'public', status: 'ready', location, tenantId: null, ...traits }];
    });
  }

  async list(): Promise<ModelEntry[]> {
    return [...this.entries];
  }

  async find(_tenantId: string, modelId: string): Promise<ModelEntry | null> {
    return this.entries.find((e) => e.modelId === modelId && e.status === 'ready') ?? null;
  }
}
