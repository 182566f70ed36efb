import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type UpscaleScale = 2 | 3 | 4;
export type UpscaleModelName = 'esrgan-slim' | 'esrgan-medium';

export interface UpscaleModelInfo {
  name: UpscaleModelName;
  /** The npm package that ships the weights (TensorFlow.js layers models, one per scale). */
  packageName: string;
  licence: string;
  scales: readonly UpscaleScale[];
  /** What the model card says it is. */
  description: string;
}

/**
 * The super-resolution models Easel bundles: UpscalerJS's ESRGAN-named RDN models (Zhang et al.'s
 * residual dense network, trained on DIV2K by idealo's image-super-resolution), MIT. Both packages
 * also ship an 8× model, which Easel does not offer (the dialect's `scale` is 2–4); esrgan-thick
 * (the RRDB generator, 27 MB per scale) is left out for its size and CPU cost.
 */
export const UPSCALE_MODELS: Record<UpscaleModelName, UpscaleModelInfo> = {
  'esrgan-slim': {
    name: 'esrgan-slim',
    packageName: '@upscalerjs/esrgan-slim',
    licence: 'MIT',
    scales: [2, 3, 4],
    description: 'RDN C1 D2 G4 G0 64 (≈0.9 MB per scale), DIV2K',
  },
  'esrgan-medium': {
    name: 'esrgan-medium',
    packageName: '@upscalerjs/esrgan-medium',
    licence: 'MIT',
    scales: [2, 3, 4],
    description: 'RDN C1 D10 G64 G0 64 (≈2.8 MB per scale), DIV2K',
  },
};

export const DEFAULT_UPSCALE_MODEL: UpscaleModelName = 'esrgan-slim';

/** The installed package's folder in node_modules. */
export function packageDirectory(name: UpscaleModelName): string {
  const info = UPSCALE_MODELS[name];
  // The packages' `exports` hide package.json; walk up from their entry point to it.
  let dir = dirname(require.resolve(info.packageName));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`${info.packageName} is not installed`);
    dir = up;
  }
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
  if (pkg.name !== info.packageName) throw new Error(`${info.packageName}: found ${pkg.name ?? 'another package'} at ${dir}`);
  return dir;
}

/** The folder holding `model.json` and its weight shards. */
export const modelDirectory = (name: UpscaleModelName, scale: UpscaleScale) => join(packageDirectory(name), 'models', `x${scale}`);
