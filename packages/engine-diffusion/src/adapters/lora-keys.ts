import type { SafetensorsFile } from './safetensors';
import { normalizePath } from './graph-weights';

/** The graphs a LoRA can name, as diffusers calls them (SDXL's second CLIP encoder is `text_encoder_2`). */
export type LoraComponent = 'unet' | 'text_encoder' | 'text_encoder_2';

/** One low-rank pair of a LoRA file: W += scale · up · down, scale = alpha / rank (1 when no alpha). */
export interface LoraModule {
  /** The key prefix as written in the file (for reports). */
  key: string;
  component: LoraComponent;
  /** Module path in the normalized underscore form. */
  path: string;
  down: { shape: number[]; data: Float32Array };
  up: { shape: number[]; data: Float32Array };
  alpha?: number;
}

type Part = 'down' | 'up' | 'alpha';

/**
 * Key conventions understood (see the package README):
 * - kohya / A1111: `lora_unet_<path>.lora_down.weight|lora_up.weight|alpha`, `lora_te_<path>…` (also
 *   `lora_te1_`), SDXL's second encoder `lora_te2_<path>…`
 * - diffusers / PEFT: `unet.<path>.lora_A.weight|lora_B.weight` (also `.lora.down/up.weight`,
 *   `.lora_down/up.weight`, an optional `.alpha`), `text_encoder.<path>…`, `text_encoder_2.<path>…`,
 *   a leading `base_model.model.`
 * - diffusers attention processors: `<path>.processor.to_q_lora.down.weight` → `<path>.to_q`
 * Anything else (LyCORIS hada/lokr, DoRA magnitudes…) is returned in `unrecognised`, never dropped silently.
 */
export function readLoraModules(file: SafetensorsFile): { modules: LoraModule[]; unrecognised: string[] } {
  const groups = new Map<string, { component: LoraComponent; path: string; key: string; parts: Partial<Record<Part, string>> }>();
  const unrecognised: string[] = [];
  for (const name of file.entries.keys()) {
    const parsed = parseKey(name);
    if (!parsed) {
      unrecognised.push(name);
      continue;
    }
    const id = `${parsed.component}:${parsed.path}`;
    const g = groups.get(id) ?? { component: parsed.component, path: parsed.path, key: parsed.key, parts: {} };
    g.parts[parsed.part] = name;
    groups.set(id, g);
  }
  const modules: LoraModule[] = [];
  for (const g of groups.values()) {
    if (!g.parts.down || !g.parts.up) {
      unrecognised.push(...Object.values(g.parts).map((k) => `${k} (no matching ${g.parts.down ? 'up' : 'down'} weight)`));
      continue;
    }
    const alpha = g.parts.alpha ? file.float32(g.parts.alpha).data[0] : undefined;
    modules.push({ key: g.key, component: g.component, path: g.path, down: file.float32(g.parts.down), up: file.float32(g.parts.up), alpha });
  }
  return { modules, unrecognised };
}

const KOHYA = /^lora_(unet|te[12]?)_(.+)\.(lora_down\.weight|lora_up\.weight|alpha)$/;
const DIFFUSERS = /^(?:(unet|text_encoder_2|text_encoder)\.)?(.+?)\.(lora_A\.weight|lora_B\.weight|lora\.down\.weight|lora\.up\.weight|lora_down\.weight|lora_up\.weight|alpha)$/;
const PROCESSOR = /^(?:(unet|text_encoder_2|text_encoder)\.)?(.+)\.processor\.(to_[qkv]|to_out)_lora\.(down|up)\.weight$/;

function partOf(suffix: string): Part {
  if (suffix === 'alpha') return 'alpha';
  return /lora_A|down/.test(suffix) ? 'down' : 'up';
}

const KOHYA_COMPONENTS: Record<string, LoraComponent> = { unet: 'unet', te: 'text_encoder', te1: 'text_encoder', te2: 'text_encoder_2' };

function parseKey(rawName: string): { component: LoraComponent; path: string; key: string; part: Part } | undefined {
  const name = rawName.replace(/^base_model\.model\./, '');
  let m = KOHYA.exec(name);
  if (m) return { component: KOHYA_COMPONENTS[m[1]], path: m[2], key: name.slice(0, name.length - m[3].length - 1), part: partOf(m[3]) };
  m = PROCESSOR.exec(name);
  if (m) {
    const target = m[3] === 'to_out' ? 'to_out.0' : m[3];
    return { component: (m[1] as LoraComponent | undefined) ?? 'unet', path: normalizePath(`${m[2]}.${target}`), key: name.replace(/\.(down|up)\.weight$/, ''), part: m[4] as Part };
  }
  m = DIFFUSERS.exec(name);
  if (m) {
    const component: LoraComponent = (m[1] as LoraComponent | undefined) ?? (m[2].startsWith('text_model') ? 'text_encoder' : 'unet');
    return { component, path: normalizePath(m[2]), key: name.slice(0, name.length - m[3].length - 1), part: partOf(m[3]) };
  }
  return undefined;
}
