import { attribute, messages } from './messages';

describe('Laravel messages', () => {
  it('names fields as Laravel does', () => {
    expect(attribute('guidance_scale')).toBe('guidance scale');
    expect(attribute('num_inference_steps')).toBe('num inference steps');
    expect(attribute('prompt')).toBe('prompt');
  });

  it.each([
    [messages.required('prompt'), 'The prompt field is required.'],
    [messages.string('prompt'), 'The prompt must be a string.'],
    [messages.integer('samples'), 'The samples field must be an integer.'],
    [messages.number('guidance_scale'), 'The guidance scale field must be a number.'],
    [messages.boolean('safety_checker'), 'The safety checker field must be yes or no.'],
    [messages.between('samples', 1, 4), 'The samples field must be between 1 and 4.'],
    [messages.between('seed', 0, 4294967295), 'The seed field must be between 0 and 4294967295.'],
    [messages.multipleOf('width', 8), 'The width must be a multiple of 8.'],
    [messages.notGreaterThan('width', 1024), 'The width must not be greater than 1024.'],
    [messages.atLeast('height', 64), 'The height must be at least 64.'],
    [messages.required('init_image'), 'The init image field is required.'],
  ])('%s', (actual, expected) => {
    expect(actual).toBe(expected);
  });
});
