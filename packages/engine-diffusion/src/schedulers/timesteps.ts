import type { TimestepSpacing } from './config';

/** numpy's `round` (half to even), which diffusers uses for spacing. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** np.linspace(start, stop, num) with numpy's exact arithmetic. */
export function linspace(start: number, stop: number, num: number): number[] {
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(i * step + start);
  out[num - 1] = stop;
  return out;
}

/** np.arange(start, stop, step) for a negative float step. */
function arangeDown(start: number, stop: number, step: number): number[] {
  const len = Math.ceil((stop - start) / step);
  const out: number[] = [];
  for (let i = 0; i < len; i++) out.push(start + i * step);
  return out;
}

/** Trailing spacing, identical in every diffusers scheduler: round(arange(N, 0, -N/n)) - 1. */
function trailing(trainSteps: number, n: number): number[] {
  return arangeDown(trainSteps, 0, -trainSteps / n).map((t) => roundHalfEven(t) - 1);
}

/** Leading spacing over `count` points (descending), plus steps_offset. */
function leading(trainSteps: number, n: number, count: number, offset: number): number[] {
  const ratio = Math.floor(trainSteps / count);
  const out: number[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(i * ratio + offset);
  return out;
}

/**
 * Euler/LMS/Heun/KDPM2 spacing (float timesteps): linspace is not rounded, so
 * `timesteps` can be fractional and sigmas are interpolated at them.
 */
export function kdiffusionTimesteps(spacing: TimestepSpacing, trainSteps: number, n: number, offset: number): number[] {
  if (spacing === 'linspace') return linspace(0, trainSteps - 1, n).reverse();
  if (spacing === 'leading') return leading(trainSteps, n, n, offset);
  if (spacing === 'trailing') return trailing(trainSteps, n);
  throw new Error(`unknown timestep_spacing ${String(spacing)}`);
}

/** DDIM/DDPM/PNDM/LCM-style integer spacing over n points (descending). */
export function discreteTimesteps(spacing: TimestepSpacing, trainSteps: number, n: number, offset: number): number[] {
  if (spacing === 'linspace') return linspace(0, trainSteps - 1, n).map(roundHalfEven).reverse();
  if (spacing === 'leading') return leading(trainSteps, n, n, offset);
  if (spacing === 'trailing') return trailing(trainSteps, n);
  throw new Error(`unknown timestep_spacing ${String(spacing)}`);
}

/**
 * DPM-Solver/UniPC/DEIS spacing: linspace and leading take n+1 points and drop the
 * last (t=0), so the final step lands on the appended sigma rather than on t=0.
 */
export function multistepTimesteps(spacing: TimestepSpacing, trainSteps: number, n: number, offset: number): number[] {
  if (spacing === 'linspace') return linspace(0, trainSteps - 1, n + 1).map(roundHalfEven).reverse().slice(0, n);
  if (spacing === 'leading') {
    const ratio = Math.floor(trainSteps / (n + 1));
    const out: number[] = [];
    for (let i = n; i >= 1; i--) out.push(i * ratio + offset);
    return out;
  }
  if (spacing === 'trailing') return trailing(trainSteps, n);
  throw new Error(`unknown timestep_spacing ${String(spacing)}`);
}
