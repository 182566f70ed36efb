import { setTensorFloats, tensorFloats, type TensorProto } from '../onnx/model-proto';
import type { GraphWeight, WeightLookup } from './graph-weights';
import type { LoraComponent, LoraModule } from './lora-keys';

/**
 * Float copies of the initializers being changed, written back once every LoRA has been added
 * (so two LoRAs on one weight decode and encode it once).
 */
export class WeightEdits {
  private readonly values = new Map<TensorProto, Float32Array>();
  private readonly dims = new Map<TensorProto, number[]>();

  /** `graphDir`: the .onnx file's folder (external data resolves against it). */
  constructor(
    private readonly field: string,
    private readonly graphDir?: string,
  ) {}

  floats(t: TensorProto): Float32Array {
    let v = this.values.get(t);
    if (!v) {
      v = tensorFloats(t, this.field, this.graphDir);
      this.values.set(t, v);
    }
    return v;
  }

  /** Swap in values of another size (a grown embedding table). */
  replace(t: TensorProto, values: Float32Array, dims: number[]): void {
    this.values.set(t, values);
    this.dims.set(t, dims);
  }

  commit(): void {
    for (const [t, v] of this.values) setTensorFloats(t, v, this.dims.get(t));
    this.values.clear();
    this.dims.clear();
  }
}

const GRAPH_NAMES: Record<LoraComponent, string> = { unet: 'UNet', text_encoder: 'text encoder', text_encoder_2: 'second text encoder' };

/**
 * W += strength · (alpha / rank) · up · down for each module found in `lookup`; returns the keys
 * that matched no weight (or whose shapes disagree with it), each with the reason.
 */
export function mergeLora(modules: LoraModule[], lookup: WeightLookup, strength: number, edits: WeightEdits): { applied: number; unmapped: string[] } {
  const unmapped: string[] = [];
  let applied = 0;
  for (const m of modules) {
    const w = lookup.find(m.path);
    if (!w) {
      unmapped.push(`${m.key} (no such weight in the ${GRAPH_NAMES[m.component]} graph)`);
      continue;
    }
    const rank = m.down.shape[0];
    const rest = m.down.data.length / rank;
    const out = m.up.data.length / rank;
    if (!rank || m.up.shape[1] !== rank || out !== w.out || rest !== w.in) {
      unmapped.push(`${m.key} (LoRA [${m.up.shape.join('×')}]·[${m.down.shape.join('×')}] does not fit the weight ${w.tensor.name} [${w.out}×${w.in}])`);
      continue;
    }
    addLowRank(edits.floats(w.tensor), w, m.up.data, m.down.data, rank, (strength * (m.alpha ?? rank)) / rank);
    applied++;
  }
  return { applied, unmapped };
}

function addLowRank(target: Float32Array, w: GraphWeight, up: Float32Array, down: Float32Array, rank: number, scale: number): void {
  const { out, in: inn } = w;
  const row = new Float64Array(inn);
  for (let o = 0; o < out; o++) {
    row.fill(0);
    for (let k = 0; k < rank; k++) {
      const u = up[o * rank + k];
      if (u === 0) continue;
      const d = k * inn;
      for (let i = 0; i < inn; i++) row[i] += u * down[d + i];
    }
    if (w.layout === 'out_in') for (let i = 0; i < inn; i++) target[o * inn + i] += scale * row[i];
    else for (let i = 0; i < inn; i++) target[i * out + o] += scale * row[i];
  }
}
