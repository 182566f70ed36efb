import { parseTrainingRequest } from './training-request';
import { privateUrls } from '../common/request/private-urls';

const PNG_1x1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const images = Array.from({ length: 6 }, () => PNG_1x1);

describe('a training request', () => {
  it("takes the docs' fields with their tolerance and fills the defaults", () => {
    const parsed = parseTrainingRequest('lora_fine_tune', { instance_prompt: 'photo of sks dog', images, seed: '42', max_train_steps: '300', lora_type: 'LyCORIS', training_type: null, webhook: null });
    expect(parsed).toEqual({
      ok: true,
      value: expect.objectContaining({ kind: 'lora_fine_tune', baseModelId: null, seed: 42, maxTrainSteps: 300, learningRate: 1e-4, loraType: 'lycoris', rank: 8, classImages: 0, trainingType: '' }),
    });
    const dreambooth = parseTrainingRequest('fine_tune', { instance_prompt: 'photo of sks dog', class_prompt: 'photo of dog', images: images.join(',') });
    expect(dreambooth).toEqual({ ok: true, value: expect.objectContaining({ maxTrainSteps: 600, learningRate: 5e-6, classImages: 8, classPrompt: 'photo of dog' }) });
  });

  it('names every bad field at once', () => {
    const parsed = parseTrainingRequest('lora_fine_tune', { images: images.slice(0, 2), max_train_steps: 5000, learning_rate: 'fast', lora_type: 'dora', base_model_type: 'sdxl' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(Object.keys(parsed.errors).sort()).toEqual(['base_model_type', 'images', 'instance_prompt', 'learning_rate', 'lora_type', 'max_train_steps']);
    expect(parsed.errors.images).toEqual(['The images must have at least 4 items.']);
  });

  it('refuses an item that is no image, naming its place', () => {
    const parsed = parseTrainingRequest('lora_fine_tune', { instance_prompt: 'x', images: [...images.slice(0, 4), 'not an image', 'ftp://host/a.png'] });
    expect(parsed.ok ? [] : parsed.errors.images).toEqual([
      'The images item 5 must be an http(s) URL or a base64-encoded image.',
      'The images item 6 must be an http(s) URL or a base64-encoded image.',
    ]);
  });

  it('finds images that name a private address outright, unless the host is allowed', () => {
    const urls = ['https://example.com/a.png', 'http://10.0.0.8/a.png', 'http://[::1]/a.png', 'http://localhost:8080/a.png', 'http://127.0.0.1/a.png', PNG_1x1];
    expect(privateUrls(urls, [])).toEqual([2, 3, 4, 5]);
    expect(privateUrls(urls, ['127.0.0.1'])).toEqual([2, 3, 4]);
  });
});
