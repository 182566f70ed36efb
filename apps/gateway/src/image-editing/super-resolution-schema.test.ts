import {
  parseSuperResolutionRequest,
  SUPER_RESOLUTION_MODEL_IDS,
  SUPER_RESOLUTION_REQUEST,
} from './super-resolution-request';

const superResolutionRequestSchema = () => SUPER_RESOLUTION_REQUEST.jsonSchema();

const IMAGE = 'https://example.com/cat.png';

describe('super_resolution request schema', () => {
  it('documents every field the parser reads', () => {
    const read = new Set<string>();
    const body = new Proxy<Record<string, unknown>>(
      { url: IMAGE },
      {
        getOwnPropertyDescriptor(target, property) {
          if (typeof property === 'string') read.add(property);
          return Reflect.getOwnPropertyDescriptor(target, property);
        },
        get(target, property, receiver) {
          if (typeof property === 'string') read.add(property);
          return Reflect.get(target, property, receiver) as unknown;
        },
      },
    );
    expect(parseSuperResolutionRequest(body).ok).toBe(true);
    const documented = superResolutionRequestSchema().properties as Record<string, unknown>;
    expect(read.size).toBeGreaterThan(8);
    expect([...read].filter((field) => field !== 'key' && !(field in documented))).toEqual([]);
  });

  it('documents the model ids the parser accepts, and the parser accepts each', () => {
    const description = String(
      (superResolutionRequestSchema().properties as Record<string, { description: string }>).model_id
        .description,
    );
    for (const id of SUPER_RESOLUTION_MODEL_IDS) {
      expect(description).toContain(id);
      expect(parseSuperResolutionRequest({ url: IMAGE, model_id: id }).ok).toBe(true);
    }
  });
});
