import { asCurl } from './curl.js';
import { errorText, fieldsInError, type Answer } from './errors.js';
import { FormError, formBody, renderForm } from './form.js';
import { Gallery } from './gallery.js';
import { MaskPainter } from './mask.js';
import { outputElement } from './outputs.js';
import { jobOperations, maskOf, type JobOperation } from './schema.js';

const KEY_STORAGE = 'easel-playground-key';
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const keyInput = $<HTMLInputElement>('api-key');
const select = $<HTMLSelectElement>('operation');
const DEFAULT_OPERATION = '/api/v3/text2img';
const form = $<HTMLFormElement>('job-form');
const mask = new MaskPainter($<HTMLCanvasElement>('mask'));
const gallery = new Gallery(
  $<HTMLUListElement>('gallery'),
  $('gallery-status'),
  $<HTMLButtonElement>('gallery-more'),
);
/** How the page names the passes the events stream reports (`phase`). */
const PHASES: Record<string, string> = {
  highres_base: 'first pass (highres fix)',
  highres_refine: 'second pass (highres fix)',
};
let operations: JobOperation[] = [];
let lastCurl = '';
let events: EventSource | undefined;

const current = () => operations.find((op) => op.path === select.value) ?? operations[0];

function showOperation(): void {
  const operation = current();
  renderForm($('fields'), operation);
  const masked = maskOf(operation);
  $('mask-area').hidden = !masked;
  mask.setBackground('');
  const background = masked?.background
    ? (form.elements.namedItem(masked.background) as HTMLInputElement | null)
    : null;
  for (const event of ['input', 'change'])
    background?.addEventListener(event, () => mask.setBackground(background.value));
}

function showProgress(step: number, total: number, preview?: string, phase?: string): void {
  const bar = $<HTMLProgressElement>('progress');
  bar.max = total;
  bar.value = step;
  const pass = phase ? ` · ${PHASES[phase] ?? phase}` : '';
  $('progress-text').textContent = `step ${step} of ${total}${pass}`;
  if (preview) {
    const img = $<HTMLImageElement>('preview');
    img.src = preview;
    img.hidden = false;
  }
}

/** The API's error as it said it, and the fields it names marked invalid. */
function showError(answer: Answer): void {
  $('error').textContent = errorText(answer);
  for (const name of fieldsInError(answer)) {
    (form.elements.namedItem(name) as HTMLElement | null)?.setAttribute('aria-invalid', 'true');
  }
}

function showEnd(answer: Answer): void {
  $('answer').textContent = JSON.stringify(answer, null, 2);
  void gallery.refresh();
  if (answer.status !== 'success') return showError(answer);
  const outputs = (answer.output ?? []).map((output, i) =>
    outputElement(output, `Output ${i + 1} of job ${answer.id}`),
  );
  $('outputs').replaceChildren(...outputs);
  $<HTMLImageElement>('preview').hidden = true;
  const bar = $<HTMLProgressElement>('progress');
  bar.value = bar.max;
  $('progress-text').textContent = 'done';
}

function follow(id: number, key: string): void {
  events?.close();
  const source = new EventSource(`/api/v3/jobs/${id}/events?key=${encodeURIComponent(key)}`);
  events = source;
  source.addEventListener('progress', (e) => {
    const data = JSON.parse((e as MessageEvent<string>).data) as {
      step: number;
      total: number;
      preview?: string;
      phase?: string;
    };
    showProgress(data.step, data.total, data.preview, data.phase);
  });
  source.addEventListener('end', (e) => {
    source.close();
    showEnd(JSON.parse((e as MessageEvent<string>).data) as Answer);
  });
}

/** The body as the form and the mask say it; a field that cannot be sent is shown instead. */
function requestBody(key: string): Record<string, unknown> | undefined {
  try {
    const body = formBody(form, key);
    const painted = mask.toDataUri();
    if (!$('mask-area').hidden && painted && !body.mask_image) body.mask_image = painted;
    return body;
  } catch (error) {
    if (!(error instanceof FormError)) throw error;
    $('error').textContent = error.message;
    return undefined;
  }
}

async function submit(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const operation = current();
  const key = keyInput.value.trim();
  $('error').textContent = '';
  for (const invalid of Array.from(form.querySelectorAll('[aria-invalid]')))
    invalid.removeAttribute('aria-invalid');
  const body = requestBody(key);
  if (!body) return;
  const url = new URL(operation.path, location.href).href;
  // The curl is made from the very string that is sent.
  const sent = JSON.stringify(body);
  lastCurl = asCurl(url, sent);
  $('outputs').replaceChildren();
  showProgress(0, 1);
  $('progress-text').textContent = 'submitted';
  let answer: Answer;
  try {
    const response = await fetch(operation.path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: sent,
    });
    answer = (await response.json()) as Answer;
  } catch (error) {
    $('error').textContent = `No answer from the server: ${(error as Error).message}`;
    return;
  }
  $('answer').textContent = JSON.stringify(answer, null, 2);
  if (answer.status === 'processing' && answer.id !== undefined) {
    void gallery.refresh();
    follow(answer.id, key);
  } else showEnd(answer);
}

/** The operations grouped by family (their OpenAPI tag), text to image first. */
function listOperations(): void {
  const groups = new Map<string, HTMLOptGroupElement>();
  for (const op of operations) {
    let group = groups.get(op.tag);
    if (!group) {
      group = document.createElement('optgroup');
      group.label = op.tag;
      groups.set(op.tag, group);
    }
    group.append(new Option(`${op.summary} — ${op.path}`, op.path));
  }
  select.append(...groups.values());
  select.value = operations.some((op) => op.path === DEFAULT_OPERATION)
    ? DEFAULT_OPERATION
    : (operations[0]?.path ?? '');
}

async function start(): Promise<void> {
  keyInput.value = sessionStorage.getItem(KEY_STORAGE) ?? '';
  let typing: ReturnType<typeof setTimeout> | undefined;
  keyInput.addEventListener('input', () => {
    sessionStorage.setItem(KEY_STORAGE, keyInput.value.trim());
    clearTimeout(typing);
    typing = setTimeout(() => void gallery.load(keyInput.value.trim()), 300);
  });
  void gallery.load(keyInput.value.trim());
  const doc = await (await fetch('/openapi.json')).json();
  operations = jobOperations(doc);
  listOperations();
  select.addEventListener('change', showOperation);
  showOperation();
  form.addEventListener('submit', (e) => void submit(e));
  $('mask-clear').addEventListener('click', () => mask.clear());
  $('copy-curl').addEventListener('click', async () => {
    const pre = $('curl');
    pre.textContent = lastCurl || 'Send a request first.';
    pre.hidden = false;
    if (lastCurl) await navigator.clipboard?.writeText(lastCurl).catch(() => undefined);
  });
}

void start();
