/**
 * The Laravel validation sentences the Stable Diffusion API dialect answers with
 * (`{"status":"error","message":{"prompt":["The prompt field is required."]}}`).
 *
 * Every message a request parser produces is built here, so the wording stays in one place.
 * Laravel names a field in its messages by replacing `_` with a space (`guidance_scale` →
 * "guidance scale"); `attribute()` does the same for every field.
 */

/** A field's name as Laravel writes it in a sentence: `num_inference_steps` → "num inference steps". */
export function attribute(field: string): string {
  return field.replace(/_/g, ' ');
}

/** Numbers as PHP prints them in a message: integers plainly, no exponent for the 32-bit seed ceiling. */
function num(n: number): string {
  return Number.isInteger(n) ? n.toFixed(0) : String(n);
}

export const messages = {
  required: (field: string) => `The ${attribute(field)} field is required.`,
  string: (field: string) => `The ${attribute(field)} must be a string.`,
  integer: (field: string) => `The ${attribute(field)} field must be an integer.`,
  number: (field: string) => `The ${attribute(field)} field must be a number.`,
  boolean: (field: string) => `The ${attribute(field)} field must be yes or no.`,
  stringOrNumber: (field: string) => `The ${attribute(field)} must be a string or a number.`,
  between: (field: string, min: number, max: number) =>
    `The ${attribute(field)} field must be between ${num(min)} and ${num(max)}.`,
  atLeast: (field: string, min: number) => `The ${attribute(field)} must be at least ${num(min)}.`,
  notGreaterThan: (field: string, max: number) =>
    `The ${attribute(field)} must not be greater than ${num(max)}.`,
  multipleOf: (field: string, step: number) => `The ${attribute(field)} must be a multiple of ${num(step)}.`,
  maxCharacters: (field: string, max: number) =>
    `The ${attribute(field)} must not be greater than ${num(max)} characters.`,
  minItems: (field: string, min: number) => `The ${attribute(field)} must have at least ${num(min)} items.`,
  maxItems: (field: string, max: number) =>
    `The ${attribute(field)} must not have more than ${num(max)} items.`,
  /** Laravel's `in` rule; `allowed` lists the accepted values so the client can fix the request. */
  oneOf: (field: string, allowed: readonly string[]) =>
    `The selected ${attribute(field)} is invalid. Allowed: ${allowed.join(', ')}.`,
  /** NUL or a lone UTF-16 surrogate: PostgreSQL stores neither in text or jsonb, and neither is meaningful text. */
  unsafeText: (field: string) =>
    `The ${attribute(field)} must not contain NUL characters or unpaired surrogates.`,
  /** A JSON value nested deeper than any field of the dialect needs. */
  tooDeep: (field: string, max: number) =>
    `The ${attribute(field)} must not be nested more than ${num(max)} levels deep.`,
  url: (field: string) => `The ${attribute(field)} must be a valid http or https URL.`,
  image: (field: string) => `The ${attribute(field)} must be an http(s) URL or a base64-encoded image.`,
  audio: (field: string) => `The ${attribute(field)} must be an http(s) URL or base64-encoded WAV or MP3 audio.`,
  imageTooLarge: (field: string, side: number, size: { width: number; height: number }) =>
    `The ${attribute(field)} must not be larger than ${num(side)}×${num(side)} pixels; it is ${num(size.width)}×${num(size.height)}.`,
  maskSize: (init: { width: number; height: number }, mask: { width: number; height: number }) =>
    `The mask image must be the size of the init image (${num(init.width)}×${num(init.height)}); it is ${num(mask.width)}×${num(mask.height)}.`,
  list: (field: string) => `The ${attribute(field)} must be a comma-separated list.`,
  numberList: (field: string) => `The ${attribute(field)} must be a comma-separated list of numbers.`,
  /** `lora_strength` with a count that matches neither one value nor one per `lora_model` entry. */
  itemsPer: (field: string, count: number, per: string) =>
    `The ${attribute(field)} must contain ${num(count)} ${count === 1 ? 'item' : 'items'}, one per ${attribute(per)}.`,
  /** width × height above the pixel budget: names the larger side and its ceiling for the other. */
  areaTooLarge: (field: string, max: number, other: string, otherValue: number) =>
    `The ${attribute(field)} must not be greater than ${num(max)} when the ${attribute(other)} is ${num(otherValue)}.`,
} as const;
