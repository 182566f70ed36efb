import { parseLoadModelRequest, parseModelId } from './load-model-request';

describe('load_model fields', () => {
  it('defaults: stable_diffusion as a diffusers archive, private; ids may be numbers', () => {
    expect(parseLoadModelRequest({ url: 'https://example.com/m.zip', model_id: 123 }, 't')).toEqual({
      ok: true,
      value: { tenantId: 't', modelId: '123', category: 'stable_diffusion', format: 'diffusers', visibility: 'private', url: 'https://example.com/m.zip', revision: null },
    });
    expect(parseLoadModelRequest({ url: 'https://e.com/l.safetensors', model_id: 'x', model_category: 'LoRA', model_visibility: 'public', revision: 'v2' }, 't')).toMatchObject({
      ok: true,
      value: { category: 'lora', format: 'safetensors', visibility: 'public', revision: 'v2' },
    });
  });

  it('a chat model is one GGUF file: category llm defaults to format gguf', () => {
    expect(parseLoadModelRequest({ url: 'https://x/m.gguf', model_id: 'chat', model_category: 'llm' }, 't')).toMatchObject({ ok: true, value: { category: 'llm', format: 'gguf' } });
  });

  it('names every bad field', () => {
    const r = parseLoadModelRequest({ url: 'ftp://x', model_id: '../etc', model_format: 'pickle', revision: ['a'] }, 't');
    expect(r.ok).toBe(false);
    expect(!r.ok && Object.keys(r.errors).sort()).toEqual(['model_format', 'model_id', 'revision', 'url']);
    expect(!r.ok && r.errors.url).toEqual(['The url must be a valid http or https URL.']);
    expect(parseModelId({})).toEqual({ ok: false, errors: { model_id: ['The model id field is required.'] } });
  });
});
