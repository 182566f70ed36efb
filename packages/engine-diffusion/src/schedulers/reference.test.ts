import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createScheduler } from './registry';
import type { NoiseSource, SchedulerConfig } from './scheduler';

/** Fixtures from reference/schedulers/make_fixtures.py (an independent NumPy implementation). */
interface Case {
  config_name: string;
  config: SchedulerConfig;
  steps: number;
  begin_index: number | null;
  timesteps: number[];
  init_noise_sigma: number;
  start?: number[];
  noise: number[][];
  trajectory: number[][];
}

interface Fixture {
  variant: string;
  scheduler: string;
  x_T: number[];
  image: number[];
  image_noise: number[];
  cases: Case[];
}

const FIXTURES = join(__dirname, '..', '..', 'reference', 'schedulers', 'fixtures');
const TOLERANCE = 1e-4;
/** Schedulers whose timesteps are interpolated floats (compared to 1e-9); all others must match exactly. */
const FLOAT_TIMESTEPS = new Set(['euler', 'euler_a', 'lms', 'heun', 'kdpm2', 'kdpm2_a']);

/** The fixture's stand-in UNet: out[i] = 0.25·x[i] + 0.1·sin(0.013·t + 0.37·i). */
function model(x: Float32Array, t: number): Float32Array {
  return x.map((v, i) => 0.25 * v + 0.1 * Math.sin(0.013 * t + 0.37 * i));
}

function recordedNoise(draws: number[][]): NoiseSource & { remaining(): number } {
  let next = 0;
  return {
    randn(length: number): Float32Array {
      if (next >= draws.length) throw new Error('scheduler drew more noise than the reference');
      const z = Float32Array.from(draws[next++]);
      expect(z.length).toBe(length);
      return z;
    },
    remaining: () => draws.length - next,
  };
}

/** Max |a − b| divided by the reference's scale (max(1, max |b|)). */
export function scaledError(a: Float32Array, b: number[]): number {
  let err = 0;
  let scale = 1;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}

const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort();
const worst: Record<string, number> = {};

afterAll(() => {
  if (process.env.SCHEDULER_ERRORS) console.info(JSON.stringify(worst, null, 1));
});

describe.each(files)('reference fixture %s', (file) => {
  const fixture = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Fixture;

  it.each(fixture.cases.map((c) => [`${c.config_name}, ${c.steps} steps${c.begin_index === null ? '' : `, from index ${c.begin_index}`}`, c] as const))(
    '%s',
    (_label, c) => {
      const scheduler = createScheduler(fixture.scheduler, c.config);
      scheduler.setTimesteps(c.steps);
      expect(scheduler.timesteps).toHaveLength(c.timesteps.length);
      scheduler.timesteps.forEach((t, k) => {
        if (!FLOAT_TIMESTEPS.has(fixture.variant)) expect(t).toBe(c.timesteps[k]);
        else expect(Math.abs(t - c.timesteps[k])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(t)));
      });
      expect(Math.abs(scheduler.initNoiseSigma - c.init_noise_sigma)).toBeLessThanOrEqual(1e-9 * c.init_noise_sigma);

      let x: Float32Array;
      const begin = c.begin_index ?? 0;
      if (c.begin_index === null) {
        x = Float32Array.from(fixture.x_T, (v) => v * scheduler.initNoiseSigma);
      } else {
        scheduler.setBeginIndex(c.begin_index);
        x = scheduler.addNoise(Float32Array.from(fixture.image), Float32Array.from(fixture.image_noise), scheduler.timesteps[begin]);
        expect(scaledError(x, c.start as number[])).toBeLessThanOrEqual(TOLERANCE);
      }
      const noise = recordedNoise(c.noise);
      const ts = scheduler.timesteps.slice(begin);
      expect(ts).toHaveLength(c.trajectory.length);
      let maxErr = 0;
      ts.forEach((t, k) => {
        const out = model(scheduler.scaleModelInput(x, t), t);
        x = scheduler.step(out, t, x, noise);
        const err = scaledError(x, c.trajectory[k]);
        maxErr = Math.max(maxErr, err);
        if (!(err <= TOLERANCE)) throw new Error(`step ${k} (t=${t}): scaled error ${err}`);
      });
      expect(noise.remaining()).toBe(0);
      worst[fixture.variant] = Math.max(worst[fixture.variant] ?? 0, maxErr);
    },
  );
});
