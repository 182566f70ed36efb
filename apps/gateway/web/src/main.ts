import { asCurl } from './curl.js';
import { formBody, renderForm } from './form.js';
import { MaskPainter } from './mask.js';
import { jobOperations, type JobOperation } from './schema.js';

const KEY_STORAGE = 'easel-playground-key';
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

interface Answer {
  status?: string;
  id?: number;
  message?: unknown;
  output?: string[];
}

const keyInput = $<HTMLInputElement>('api-key');
const select = $<HTMLSelectElement>('operation');
const DEFAULT_OPERATION = '/api/v3/text2img';
const form = $<HTMLFormElement>('job-form');
const mask = new MaskPainter($<HTMLCanvasElement>('mask'));
let operations: JobOperation[] = [];
let lastCurl = '';
let events: EventSource | undefined;

/** The API's own words: a string message, or one line per field of a validation error. */
function errorText(answer: Answer): string {
  if (typeof answer.message === 'string') return answer.message;
  if (answer.message && typeof answer.message === 'object')
    return Object.values(answer.message as Record<string, string[]>)
      .flat()
      .join(' ');
  return `The request ended ${answer.status ?? 'without a status'}.`;
}

function showOperation(): void {
  const operation = operations[select.selectedIndex];
  renderForm($('fields'), operation);
  const hasMask = 'mask_image' in (operation.body.properties ?? {});
  $('mask-area').hidden = !hasMask;
  const init = form.elements.namedItem('init_image') as HTMLInputElement | null;
  init?.addEventListener('change', () => mask.setBackground(init.value));
}

function showProgress(step: number, total: number, preview?: string): void {
  const bar = $<HTMLProgressElement>('progress');
  bar.max = total;
  bar.value = step;
  $('progress-text').textContent = `step ${step} of ${total}`;
  if (preview) {
    const img = $<HTMLImageElement>('preview');
    img.src = preview;
    img.hidden = false;
  }
}

function showEnd(answer: Answer): void {
  $('answer').textContent = JSON.stringify(answer, null, 2);
  if (answer.status !== 'success') {
    $('error').textContent = errorText(answer);
    return;
  }
  const outputs = (answer.output ?? []).map((src, i) => {
    const img = new Image();
    img.src = src.startsWith('http') || src.startsWith('data:') ? src : `data:image/png;base64,${src}`;
    img.alt = `Generated image ${i + 1} of job ${answer.id}`;
    return img;
  });
  $('outputs').replaceChildren(...outputs);
  $<HTMLImageElement>('preview').hidden = true;
  const bar = $<HTMLProgressElement>('progress');
  bar.value = bar.max;
  const item = document.createElement('li');
  const link = document.createElement('a');
  link.href = outputs[0]?.src ?? '#';
  link.target = '_blank';
  const thumb = new Image();
  thumb.src = outputs[0]?.src ?? '';
  thumb.alt = `Job ${answer.id}`;
  link.append(thumb);
  item.append(link);
  $('gallery').prepend(item);
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
    };
    showProgress(data.step, data.total, data.preview);
  });
  source.addEventListener('end', (e) => {
    source.close();
    showEnd(JSON.parse((e as MessageEvent<string>).data) as Answer);
  });
}

async function submit(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const operation = operations[select.selectedIndex];
  const key = keyInput.value.trim();
  const body = formBody(form, key);
  const painted = mask.toDataUri();
  if (!$('mask-area').hidden && painted && !body.mask_image) body.mask_image = painted;
  const url = new URL(operation.path, location.href).href;
  lastCurl = asCurl(url, body);
  $('error').textContent = '';
  $('outputs').replaceChildren();
  showProgress(0, 1);
  $('progress-text').textContent = 'submitted';
  let answer: Answer;
  try {
    const response = await fetch(operation.path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    answer = (await response.json()) as Answer;
  } catch (error) {
    $('error').textContent = `No answer from the server: ${(error as Error).message}`;
    return;
  }
  $('answer').textContent = JSON.stringify(answer, null, 2);
  if (answer.status === 'processing' && answer.id !== undefined) follow(answer.id, key);
  else showEnd(answer);
}

async function start(): Promise<void> {
  keyInput.value = sessionStorage.getItem(KEY_STORAGE) ?? '';
  keyInput.addEventListener('input', () => sessionStorage.setItem(KEY_STORAGE, keyInput.value.trim()));
  const doc = await (await fetch('/openapi.json')).json();
  operations = jobOperations(doc);
  select.append(...operations.map((op) => new Option(`${op.summary} — ${op.path}`, op.path)));
  // The first thing people try: text to image (the list itself is sorted by path).
  select.value = operations.some((op) => op.path === DEFAULT_OPERATION)
    ? DEFAULT_OPERATION
    : (operations[0]?.path ?? '');
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
