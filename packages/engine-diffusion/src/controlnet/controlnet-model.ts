import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AdapterFileError } from '../errors';
import { fileSize, readJsonIfExists } from '../model/files';
import { prepareGraph, type PreparationReport } from '../model/prepare-graph';
import { createGraph, type Graph, type SessionOptions } from '../model/session';
import { parseModel, serializeModel } from '../onnx/model-proto';
import { splitHintPath } from './split-hint-path';
import { numberedNames, type ResidualInputs } from './residual-inputs';

const DOWN_OUTPUT = /^down_block_res_samples?_(\d+)$/;
const MID_OUTPUTS = ['mid_block_res_sample', 'mid_block_res_samples'];
const REQUIRED_INPUTS = ['sample', 'timestep', 'encoder_hidden_states', 'controlnet_cond'];

/** A ControlNet exported to ONNX with diffusers' ControlNetModel interface. */
export interface ControlNetModel {
  path: string;
  /** The graph run at every step: the whole export, or its part after the hint embedding (`hint`). */
  graph: Graph;
  /** The part that reads only the hint (split-hint-path.ts), run once per generation; its outputs feed `graph`. */
  hint?: { graph: Graph; outputs: string[] };
  /** Output names: one per UNet skip connection, in order, then the middle block's. */
  down: string[];
  mid: string;
  /** Whether the graph takes `conditioning_scale` (else the pipeline scales the outputs). */
  takesScale: boolean;
  bytes: number;
  /** What loading did to the graph before its sessions (prepareGraph): attention blocks fused, or why not. */
  preparation: PreparationReport;
  release(): Promise<void>;
}

/**
 * Loads `<dir>/model.onnx` (or a .onnx file): inputs sample, timestep, encoder_hidden_states,
 * controlnet_cond [b, 3, H, W] in [0, 1], optionally conditioning_scale; outputs
 * down_block_res_samples_0..n-1 and mid_block_res_sample.
 */
export async function loadControlNet(pathIn: string, options: SessionOptions = {}): Promise<ControlNetModel> {
  const path = resolve(pathIn);
  const file = path.endsWith('.onnx') ? path : join(path, 'model.onnx');
  const bytes = await fileSize(file);
  if (bytes === undefined) throw new AdapterFileError('adapter_file_missing', file, `The ControlNet file ${file} is missing.`, undefined, 'controlnet_model');
  if (!path.endsWith('.onnx')) await readJsonIfExists(join(path, 'config.json'));
  let graph: Graph;
  let hint: ControlNetModel['hint'];
  let preparation: PreparationReport = { fusedAttention: 0, fusedLayerNorm: 0 };
  try {
    // attention fused on the whole graph, before the hint's part is split off (the probe needs the whole graph's inputs)
    const prepared = await prepareGraph(file, await readFile(file), options);
    preparation = prepared.report;
    const whole = prepared.source;
    const split = splitHintPath(parseModel(whole, file));
    if (split) {
      hint = { graph: await createGraph('controlnet_hint', file, bytes, options, serializeModel(split.hint)), outputs: split.embedding };
      graph = await createGraph('controlnet', file, bytes, options, serializeModel(split.main));
    } else graph = await createGraph('controlnet', file, bytes, options, whole);
  } catch (err) {
    await hint?.graph.release();
    if (err instanceof AdapterFileError) throw err;
    throw new AdapterFileError('adapter_file_corrupt', file, `The ControlNet ${file} could not be loaded: ${(err as Error).message}`, err, 'controlnet_model');
  }
  const inputs = new Set([...graph.inputs.keys(), ...(hint ? ['controlnet_cond'] : [])]);
  const missing = REQUIRED_INPUTS.filter((name) => !inputs.has(name));
  const down = numberedNames(graph.outputNames, DOWN_OUTPUT);
  const mid = MID_OUTPUTS.find((name) => graph.outputs.has(name));
  if (missing.length > 0 || down.length === 0 || !mid) {
    await graph.release();
    await hint?.graph.release();
    const what = missing.length > 0 ? `has no input ${missing.join(', ')}` : 'has no down_block_res_samples_* / mid_block_res_sample outputs';
    throw new AdapterFileError('adapter_mismatch', file, `The ControlNet ${file} ${what}: it is not a diffusers ControlNet export.`, undefined, 'controlnet_model');
  }
  const release = async () => {
    await graph.release();
    await hint?.graph.release();
  };
  return { path, graph, ...(hint ? { hint } : {}), down, mid, takesScale: graph.inputs.has('conditioning_scale'), bytes, preparation, release };
}

/** Throws unless the ControlNet's outputs are the UNet's residual inputs (same count and channels). */
export function requireFits(controlnet: ControlNetModel, inputs: ResidualInputs | undefined, name: string): void {
  const fail = (why: string) => {
    throw new AdapterFileError('adapter_mismatch', controlnet.path, `The ControlNet ${name} does not fit this model: ${why}.`, undefined, 'controlnet_model');
  };
  if (!inputs) fail("the model's UNet takes no ControlNet residuals (down_block_additional_residual_* inputs)");
  if (controlnet.down.length !== inputs!.down.length) fail(`it gives ${controlnet.down.length} skip residuals, the UNet takes ${inputs!.down.length}`);
  [...controlnet.down, controlnet.mid].forEach((name, i) => {
    const c = Number(controlnet.graph.outputs.get(name)?.shape[1]);
    if (Number.isFinite(c) && c !== inputs!.channels[i]) fail(`its ${name} has ${c} channels, the UNet's input takes ${inputs!.channels[i]}`);
  });
}
