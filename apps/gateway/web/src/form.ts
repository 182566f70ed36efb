import { enumOf, typesOf, type JobOperation, type Schema } from './schema.js';

/** Fields whose value is an image: a URL, or a file the page turns into a data URI. */
export const IMAGE_FIELDS = new Set(['init_image', 'mask_image', 'image', 'control_image']);

const LONG_TEXT = new Set(['prompt', 'negative_prompt']);

/** One input per request field of the operation (the key comes from the page's key field). */
export function renderForm(container: HTMLElement, operation: JobOperation): void {
  container.replaceChildren();
  const required = new Set(operation.body.required ?? []);
  for (const [name, schema] of Object.entries(operation.body.properties ?? {})) {
    if (name === 'key') continue;
    container.append(field(name, schema, required.has(name)));
  }
}

function field(name: string, schema: Schema, required: boolean): HTMLElement {
  const wrapper = document.createElement('div');
  const id = `field-${name}`;
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = required ? `${name} (required)` : name;
  const input = control(name, schema);
  input.id = id;
  input.name = name;
  if (required) input.setAttribute('aria-required', 'true');
  wrapper.append(label, input);
  if (schema.description) {
    const hint = document.createElement('p');
    hint.className = 'hint';
    hint.id = `${id}-hint`;
    hint.textContent = schema.description;
    input.setAttribute('aria-describedby', hint.id);
    wrapper.append(hint);
  }
  if (IMAGE_FIELDS.has(name)) {
    const file = document.createElement('input');
    file.type = 'file';
    file.accept = 'image/*';
    file.id = `${id}-file`;
    file.setAttribute('aria-label', `${name} from a file`);
    file.addEventListener('change', async () => {
      const chosen = file.files?.[0];
      if (chosen) (input as HTMLInputElement).value = await dataUri(chosen);
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    wrapper.append(file);
  }
  return wrapper;
}

function control(name: string, schema: Schema): HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement {
  const values = enumOf(schema);
  const types = typesOf(schema);
  if (values || (types.includes('boolean') && !types.includes('number'))) {
    const select = document.createElement('select');
    const options = values?.map(String) ?? ['yes', 'no'];
    select.append(new Option('(default)', ''), ...options.map((v) => new Option(v, v)));
    if (schema.default !== undefined && schema.default !== null) select.value = String(schema.default);
    return select;
  }
  if (LONG_TEXT.has(name)) {
    const area = document.createElement('textarea');
    area.rows = 3;
    return area;
  }
  const input = document.createElement('input');
  input.type = 'text';
  if (types.includes('integer') || types.includes('number')) input.inputMode = 'decimal';
  if (schema.default !== undefined && schema.default !== null)
    input.placeholder = `default ${String(schema.default)}`;
  return input;
}

/** The filled-in fields as the JSON body (empty fields are left out: the API's defaults apply). */
export function formBody(form: HTMLFormElement, key: string): Record<string, unknown> {
  const body: Record<string, unknown> = { key };
  for (const element of Array.from(form.elements)) {
    if (!(
      element instanceof HTMLInputElement ||
      element instanceof HTMLSelectElement ||
      element instanceof HTMLTextAreaElement
    ))
      continue;
    if (!element.name || element.type === 'file' || element.value === '') continue;
    body[element.name] = element.value;
  }
  return body;
}

export function dataUri(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}
