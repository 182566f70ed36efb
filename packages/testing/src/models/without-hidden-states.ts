import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseModel, serializeModel } from '@easel/engine-diffusion';

/**
 * A copy of the model directory `dir` (in a temporary folder) whose text encoder has no
 * `hidden_states.N` outputs, as most ONNX exports of SD ship: what clip_skip > 1 must refuse.
 * (engine-diffusion's test-helpers hold the same function: its tests cannot depend on this package.)
 */
export async function modelWithoutHiddenStates(dir: string): Promise<string> {
  const out = join(await mkdtemp(join(tmpdir(), 'easel-no-hidden-')), 'model');
  await cp(dir, out, { recursive: true });
  const path = join(out, 'text_encoder', 'model.onnx');
  const model = parseModel(await readFile(path), path);
  const graph = model.graph!;
  graph.output = graph.output.filter((o) => !o.name.startsWith('hidden_states'));
  graph.node = graph.node.filter((n) => !n.output.some((o) => o.startsWith('hidden_states')));
  await writeFile(path, serializeModel(model));
  return out;
}
