import type * as ort from 'onnxruntime-node';
import type { DiffusionModel } from '../model/load-model';
import { loadControlImage } from './control-image';
import { createControlResiduals, type ResidualFeeds } from './control-residuals';
import type { ControlNetModel } from './controlnet-model';
import { requireFits } from './controlnet-model';
import type { ControlNetUse } from './controlnet-use';
import { unetResidualInputs } from './residual-inputs';

export interface ControlSetup {
  uses: readonly ControlNetUse[];
  /** The loaded ControlNets, one per use, in order. */
  models: readonly ControlNetModel[];
  guessMode: boolean;
  samples: number;
  guidance: boolean;
  textStates: ort.Tensor;
  width: number;
  height: number;
  timesteps: readonly number[];
  controlMs: number[];
}

/** The residual feeds of a controlled generation: each ControlNet checked against the UNet, each hint read and resized. */
export async function prepareControl(model: DiffusionModel, s: ControlSetup): Promise<ResidualFeeds> {
  const inputs = unetResidualInputs(model.unet);
  s.models.forEach((m, i) => requireFits(m, inputs, s.uses[i]!.name));
  const nets = await Promise.all(
    s.uses.map(async (use, i) => ({
      model: s.models[i]!,
      hint: await loadControlImage(use.image, s.width, s.height),
      scale: use.scale ?? 1,
      start: use.guidanceStart ?? 0,
      end: use.guidanceEnd ?? 1,
    })),
  );
  return createControlResiduals({
    inputs: inputs!,
    nets,
    samples: s.samples,
    guidance: s.guidance,
    guessMode: s.guessMode,
    textStates: s.textStates,
    width: s.width,
    height: s.height,
    timesteps: s.timesteps,
    controlMs: s.controlMs,
  });
}
