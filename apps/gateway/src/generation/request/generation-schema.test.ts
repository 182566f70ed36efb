import { GENERATION_DEFAULTS, type GenerationKind, parseGenerationRequest } from './generation-request';
import {
  ALGORITHM_TYPES,
  GENERATION_FIELDS,
  OUTPUT_FORMATS,
  SAFETY_CHECKER_TYPES,
  UPSCALE_VALUES,
  generationRequestSchema,
} from './generation-schema';
import type { Schema } from '../../common/request/json-schema';

/**
 * The documented request schema against the parser it describes: the fields it reads, the
 * enums it accepts, the ranges it enforces and the defaults it applies.
 */
const KINDS: GenerationKind[] = ['text2img', 'img2img', 'inpaint'];
const IMAGE = 'https://example.com/cat.png';
const base = (kind: GenerationKind): Record<string, unknown> => ({
  prompt: 'a red circle',
  ...(kind !== 'text2img' ? { init_image: IMAGE } : {}),
  ...(kind === 'inpaint' ? { mask_image: IMAGE } : {}),
});
const parse = (kind: GenerationKind, fields: Record<string, unknown>) =>
  parseGenerationRequest(kind, { ...base(kind), ...fields });
const properties = (kind: GenerationKind) =>
  generationRequestSchema(kind, false).properties as Record<string, Schema>;

/** The branch of a tolerant number that carries its limits. */
function numericBranch(schema: Schema): Schema | undefined {
  return (schema.anyOf as Schema[] | undefined)?.find((s) => s.type === 'integer' || s.type === 'number');
}

describe('generation request schema', () => {
  it.each(KINDS)('documents every field the %s parser reads', (kind) => {
    const read = new Set<string>();
    const body = new Proxy(base(kind), {
      getOwnPropertyDescriptor(target, property) {
        if (typeof property === 'string') read.add(property);
        return Reflect.getOwnPropertyDescriptor(target, property);
      },
      get(target, property, receiver) {
        if (typeof property === 'string') read.add(property);
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
    parseGenerationRequest(kind, body);
    expect(read.size).toBeGreaterThan(20);
    expect([...read].filter((field) => !(field in properties(kind)))).toEqual([]);
  });

  it('requires what the parser requires', () => {
    expect(generationRequestSchema('text2img', false).required).toEqual(['key', 'prompt']);
    expect(generationRequestSchema('inpaint', true).required).toEqual([
      'key',
      'prompt',
      'init_image',
      'mask_image',
      'model_id',
    ]);
    expect(parse('text2img', { prompt: null }).ok).toBe(false);
    expect(parse('img2img', { init_image: null }).ok).toBe(false);
    expect(parse('inpaint', { mask_image: null }).ok).toBe(false);
    expect(parseGenerationRequest('text2img', { prompt: 'x' }, { requireModelId: true }).ok).toBe(false);
  });

  it.each<[string, readonly string[]]>([
    ['safety_checker_type', SAFETY_CHECKER_TYPES],
    ['output_format', OUTPUT_FORMATS],
    ['algorithm_type', ALGORITHM_TYPES],
    ['upscale', UPSCALE_VALUES],
  ])('%s: the parser accepts every documented value and refuses others', (field, values) => {
    for (const value of values)
      expect([field, value, parse('text2img', { [field]: value }).ok]).toEqual([field, value, true]);
    expect(parse('text2img', { [field]: 'certainly-not-a-value' }).ok).toBe(false);
  });

  it('documents the enums in the schema itself', () => {
    const props = properties('text2img');
    const enums = (field: string) =>
      (props[field].anyOf as Schema[]).flatMap((s) => (s.enum as unknown[]) ?? []);
    expect(enums('safety_checker_type')).toEqual(expect.arrayContaining([...SAFETY_CHECKER_TYPES]));
    expect(enums('output_format')).toEqual(expect.arrayContaining([...OUTPUT_FORMATS]));
    expect(enums('scheduler')).toContain('DPMSolverMultistepScheduler');
  });

  it.each(KINDS)("%s: documented ranges are the parser's (both ends in, just outside refused)", (kind) => {
    let checked = 0;
    for (const [field, schema] of Object.entries(properties(kind))) {
      const numeric = numericBranch(schema);
      if (!numeric || (numeric.minimum === undefined && numeric.maximum === undefined)) continue;
      const step =
        numeric.type === 'integer' ? (typeof numeric.multipleOf === 'number' ? numeric.multipleOf : 1) : 0.5;
      const extras = (schema.anyOf as Schema[]).map((s) => s.const);
      for (const [value, accepted] of [
        [numeric.minimum, true],
        [numeric.maximum, true],
        [(numeric.minimum as number) - step, false],
        [(numeric.maximum as number) + step, false],
      ] as const) {
        if (value === undefined || extras.includes(value)) continue;
        expect([field, value, parse(kind, { [field]: value }).ok]).toEqual([field, value, accepted]);
        // Numbers are accepted as numeric strings with the same limits.
        expect([field, String(value), parse(kind, { [field]: String(value) }).ok]).toEqual([
          field,
          String(value),
          accepted,
        ]);
      }
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(kind === 'text2img' ? 7 : 9);
  });

  it('documents the defaults the parser applies', () => {
    const props = properties('text2img');
    let checked = 0;
    for (const [field, schema] of Object.entries(props)) {
      if (schema.default === undefined) continue;
      const unset = parse('text2img', {});
      const explicit = parse('text2img', { [field]: schema.default });
      expect([field, explicit]).toEqual([field, unset]);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(Object.keys(GENERATION_DEFAULTS).length);
  });

  it('documents every entry of GENERATION_DEFAULTS as a field default', () => {
    const fieldFor: Record<keyof typeof GENERATION_DEFAULTS, string> = {
      samples: 'samples',
      steps: 'num_inference_steps',
      guidanceScale: 'guidance_scale',
      clipSkip: 'clip_skip',
      safetyChecker: 'safety_checker',
      safetyCheckerType: 'safety_checker_type',
      enhancePrompt: 'enhance_prompt',
      multiLingual: 'multi_lingual',
      panorama: 'panorama',
      selfAttention: 'self_attention',
      highresFix: 'highres_fix',
      refiner: 'refiner',
      tomesd: 'tomesd',
      useKarrasSigmas: 'use_karras_sigmas',
      base64: 'base64',
      temp: 'temp',
      outputFormat: 'output_format',
    };
    for (const [name, value] of Object.entries(GENERATION_DEFAULTS)) {
      const field = fieldFor[name as keyof typeof GENERATION_DEFAULTS];
      const documented = GENERATION_FIELDS[field]?.schema.default;
      const expected = typeof value === 'boolean' ? (value ? 'yes' : 'no') : value;
      expect([name, documented]).toEqual([name, expected]);
    }
  });

  it('says which flag spellings are accepted, and the parser agrees', () => {
    const flag = properties('text2img').safety_checker.anyOf as Schema[];
    const words = flag.flatMap((s) => (s.enum as unknown[]) ?? []);
    for (const word of [...words, 'YES', 'No', true, false]) {
      expect([word, parse('text2img', { safety_checker: word }).ok]).toEqual([word, true]);
    }
    expect(parse('text2img', { safety_checker: 'maybe' }).ok).toBe(false);
  });
});
