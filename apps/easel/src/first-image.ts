import { writeFile } from 'node:fs/promises';

export interface FirstImageResult {
  imagePath: string;
  imageUrl: string;
  jobId: number;
  seconds: number;
}

interface GenerationBody {
  status: string;
  id?: number;
  output?: string[];
  fetch_result?: string;
  message?: unknown;
}

async function post(url: string, body: Record<string, unknown>): Promise<GenerationBody> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await response.json()) as GenerationBody;
}

/**
 * Generates one image through the public HTTP API exactly as a client would (text2img,
 * then fetch while processing), downloads it from its output link and writes it to `imagePath`.
 */
export async function generateFirstImage(baseUrl: string, key: string, prompt: string, imagePath: string, timeoutMs = 300_000): Promise<FirstImageResult> {
  const started = performance.now();
  let body = await post(`${baseUrl}/api/v3/text2img`, { key, prompt, seed: 42, samples: 1, num_inference_steps: 20, scheduler: 'DPMSolverMultistepScheduler' });
  while (body.status === 'processing' && performance.now() - started < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    body = await post(body.fetch_result ?? `${baseUrl}/api/v3/fetch/${body.id}`, { key });
  }
  if (body.status !== 'success' || !body.output?.length) {
    throw new Error(`the first image was not generated: ${JSON.stringify(body.message ?? body)}`);
  }
  const imageUrl = body.output[0];
  const image = await fetch(imageUrl);
  if (!image.ok) throw new Error(`the first image's link ${imageUrl} answered HTTP ${image.status}`);
  await writeFile(imagePath, Buffer.from(await image.arrayBuffer()));
  return { imagePath, imageUrl, jobId: Number(body.id), seconds: (performance.now() - started) / 1000 };
}
