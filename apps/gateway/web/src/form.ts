import { enumOf, widgetOf, type JobOperation, type Schema, type Widget } from './schema.js';

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/**
 * One labelled control per request field of the operation, chosen from the field's schema
 * (the key comes from the page's key field): every field the OpenAPI document lists is here.
 */
export function renderForm(container: HTMLElement, operation: JobOperation): void {
  container.replaceChildren();
  const required = new Set(operation.body.required ?? []);
  for (const [name, schema] of Object.entries(operation.body.properties ?? {})) {
    if (name === 'key') continue;
    container.append(field(name, schema, required.has(name)));
  }
}

function field(name: string, schema: Schema, required: boolean): HTMLElement {
  const widget = widgetOf(name, schema) ?? 'json';
  const wrapper = document.createElement('div');
  const id = `field-${name}`;
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = required ? `${name} (required)` : name;
  const input = control(widget, schema);
  input.id = id;
  input.name = name;
  input.dataset.widget = widget;
  if (required) input.setAttribute('aria-required', 'true');
  wrapper.append(label, input);
  if (schema.description || widget === 'json') {
    const hint = document.createElement('p');
    hint.className = 'hint';
    hint.id = `${id}-hint`;
    hint.textContent = [schema.description, widget === 'json' ? '(JSON)' : ''].filter(Boolean).join(' ');
    input.setAttribute('aria-describedby', hint.id);
    wrapper.append(hint);
  }
  if (widget === 'image' || widget === 'audio') wrapper.append(filePicker(name, input, widget === 'image' ? 'image/*' : 'audio/*'));
  return wrapper;
}

/** A file chosen here becomes the field's value as a data URI (what the API takes as base64). */
function filePicker(name: string, input: Control, accept: string): HTMLInputElement {
  const file = document.createElement('input');
  file.type = 'file';
  file.accept = accept;
  file.id = `field-${name}-file`;
  file.setAttribute('aria-label', `${name} from a file`);
  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    if (chosen) input.value = await dataUri(chosen);
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  return file;
}

function control(widget: Widget, schema: Schema): Control {
  const fallback = schema.default === undefined || schema.default === null ? '' : String(schema.default);
  if (widget === 'flag' || widget === 'choice') {
    // "(default …)" sends nothing, so the API's own default applies and the curl stays short.
    const select = document.createElement('select');
    const values = widget === 'flag' ? ['yes', 'no'] : (enumOf(schema) ?? []).map(String);
    select.append(
      new Option(fallback ? `(default: ${fallback})` : '(default)', ''),
      ...values.map((v) => new Option(v, v)),
    );
    return select;
  }
  if (widget === 'long-text' || widget === 'json') {
    const area = document.createElement('textarea');
    area.rows = 3;
    return area;
  }
  const input = document.createElement('input');
  input.type = 'text';
  if (fallback) input.placeholder = `default ${fallback}`;
  return input;
}

/** A field the API would not understand as typed: named, with why. */
export class FormError extends Error {}

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
    body[element.name] = element.dataset.widget === 'json' ? json(element) : element.value;
  }
  return body;
}

function json(element: Control): unknown {
  try {
    return JSON.parse(element.value);
  } catch {
    throw new FormError(`${element.name}: not JSON (${element.value.slice(0, 40)})`);
  }
}

export function dataUri(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}
