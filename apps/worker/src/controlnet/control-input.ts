import type { ControlUnitParams } from '@easel/contracts';
import { hasPreprocessor, makeHint } from '@easel/control-hints';
import type { ControlNetUse } from '@easel/engine-diffusion';
import { loadInputImage } from '../inputs/input-image';
import { PermanentJobError } from '../service-handler';

/** What a controlled generation adds to a diffusion one. */
export interface ControlInput {
  controlnets: ControlUnitParams[];
  /** The hint as sent (URL or base64); null → init_image. */
  controlImage: string | null;
  autoHint: boolean;
  guessMode: boolean;
}

/** A controlnet_model id → its local folder, for the tenant (category controlnet). */
export type ResolveControlNet = (modelId: string) => Promise<string>;

/**
 * The engine's ControlNets for a request: each model resolved for the tenant, the hint read
 * (control_image, else init_image, through safe-fetch) and, with auto_hint, made by each
 * type's preprocessor. Returns the hint's source image too (the report and tests show it).
 */
export async function controlNetUses(
  control: ControlInput,
  initImage: string | null,
  resolve: ResolveControlNet,
  allowHosts: readonly string[],
): Promise<ControlNetUse[]> {
  const source = control.controlImage ?? initImage;
  const field = control.controlImage ? 'control_image' : 'init_image';
  if (!source) throw new PermanentJobError('The control image field is required (or an init image to make the hint from).', 'control_image');
  const image = await loadInputImage(field, source, allowHosts);
  const uses: ControlNetUse[] = [];
  for (const unit of control.controlnets) {
    if (control.autoHint && !hasPreprocessor(unit.type))
      throw new PermanentJobError(`auto_hint has no preprocessor for the ControlNet type ${unit.type}; send its hint as control_image.`, 'controlnet_type');
    uses.push({
      path: await resolve(unit.model),
      name: unit.model,
      image: control.autoHint ? await makeHint(unit.type, image) : image,
      scale: unit.scale,
      ...(unit.guidanceStart !== null ? { guidanceStart: unit.guidanceStart } : {}),
      ...(unit.guidanceEnd !== null ? { guidanceEnd: unit.guidanceEnd } : {}),
    });
  }
  return uses;
}
