import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { EaselProcess, freePort, post, tempHome } from '../e2e/helpers';

const ARTIFACTS = join(__dirname, 'artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The shell words of the page's "copy as curl" (single-quoted, as asCurl writes them). */
function curlWords(curl: string): string[] {
  return [...curl.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] ?? m[2]).replace(/'\\''/g, "'"));
}

// Jobs run on the bundled model on shared cores; also when run through the root's projects, which
// do not apply test/jest.config.js's testTimeout.
jest.setTimeout(120_000);

/** The playground in Debian's chromium against `easel up` with the bundled model, a few steps per job. */
describe('playground page', () => {
  let home = '';
  let easel: EaselProcess;
  let browser: Browser;
  let page: Page;
  let url = '';
  let key = '';

  beforeAll(async () => {
    home = await tempHome();
    await mkdir(ARTIFACTS, { recursive: true });
    easel = await EaselProcess.start({
      EASEL_HOME: home,
      PORT: String(await freePort()),
      EASEL_SYNC_WINDOW_MS: '0',
      EASEL_ORT_THREADS: '1',
    });
    url = (await easel.waitFor(/listening on (\S+)/))[1];
    key = (await easel.waitFor(/^\s+(esk_\w+)$/m))[1];
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // playwright gives each launch a new empty user data dir itself
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(`${url}/playground`);
    await page.waitForSelector('#field-prompt');
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await easel?.stop('SIGKILL');
    await rm(home, { recursive: true, force: true });
  });

  const chooseOperation = (path: string) => page.selectOption('#operation', path);
  const galleryImages = () => page.$$eval('#gallery img', (imgs) => imgs.length);
  const waitForGallery = (images: number) =>
    page
      .waitForFunction((n) => document.querySelectorAll('#gallery img').length === n, images, {
        timeout: 90_000,
      })
      .catch(async (error: Error) => {
        const says = await page.textContent('#error');
        throw new Error(
          `${error.message}; gallery: ${await page.innerText('#gallery')}; the page says: ${says}`,
        );
      });
  /** Sets the key as a person would (typing), then waits for the gallery to load for it. */
  const useKey = async (value: string) => {
    const listed = page.waitForResponse((r) => r.url().includes('/api/v3/jobs?'));
    await page.fill('#api-key', value);
    await listed;
  };

  it('shows the API\'s "Invalid Api Key" for a wrong key, for a request and for the gallery', async () => {
    await useKey('esk_wrong');
    await page.waitForFunction(
      () => document.querySelector('#gallery-status')?.textContent === 'Recent jobs: Invalid Api Key',
    );
    await chooseOperation('/api/v3/text2img');
    await page.fill('#field-prompt', 'a red circle');
    await page.click('#submit');
    await page.waitForFunction(() => document.querySelector('#error')?.textContent === 'Invalid Api Key');
  });

  it('shows progress advancing, then the image, and adds the job to the gallery', async () => {
    await useKey(key);
    await page.waitForFunction(
      () => document.querySelector('#gallery-status')?.textContent === 'No jobs yet.',
    );
    await chooseOperation('/api/v3/text2img');
    await page.fill('#field-prompt', 'a red circle on a blue background');
    await page.fill('#field-num_inference_steps', '6');
    await page.fill('#field-width', '256');
    await page.fill('#field-height', '256');
    const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/v3/text2img'));
    await page.click('#submit');
    const request = await sent;
    await page.waitForFunction(() => (document.querySelector('#progress') as HTMLProgressElement).value >= 1);
    await page.waitForSelector('#outputs img');
    const size = await page.$eval(
      '#outputs img',
      (img) =>
        new Promise<number>((resolve) => {
          const image = img as HTMLImageElement;
          if (image.complete) resolve(image.naturalWidth);
          else image.onload = () => resolve(image.naturalWidth);
        }),
    );
    expect(size).toBe(256);
    await waitForGallery(1);
    expect(await page.textContent('#gallery li span')).toMatch(/^#\d+ text2img · success$/);
    expect(await page.textContent('#error')).toBe('');

    // "Copy as curl" is the request the page sent, byte for byte.
    await page.click('#copy-curl');
    const words = curlWords((await page.textContent('#curl'))!);
    expect(words).toEqual([
      'curl',
      '-X',
      'POST',
      request.url(),
      '-H',
      'Content-Type: application/json',
      '-d',
      request.postData(),
    ]);
    expect(JSON.parse(words[7])).toEqual({
      key,
      prompt: 'a red circle on a blue background',
      width: '256',
      height: '256',
      num_inference_steps: '6',
    });
    await page.screenshot({ path: join(ARTIFACTS, 'text2img.png') });
  });

  it('inpaints with a mask painted on the canvas', async () => {
    await chooseOperation('/api/v3/inpaint');
    // The output as a data URI: a link to this server's own address is refused as private (SSRF rules).
    const init = await page.$eval('#outputs img', async (img) => {
      const blob = await (await fetch((img as HTMLImageElement).src)).blob();
      return new Promise<string>((resolve) => {
        const reader = new FileReader();
        reader.onload = () => resolve(reader.result as string);
        reader.readAsDataURL(blob);
      });
    });
    await page.fill('#field-prompt', 'a green square');
    await page.fill('#field-init_image', init);
    await page.fill('#field-num_inference_steps', '4');
    await page.locator('#mask').scrollIntoViewIfNeeded();
    const box = (await page.locator('#mask').boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.click('#submit');
    await waitForGallery(2);
    expect(await page.textContent('#error')).toBe('');
    await page.click('#copy-curl');
    expect(await page.textContent('#curl')).toContain('"mask_image":"data:image/png;base64,');
    await page.screenshot({ path: join(ARTIFACTS, 'inpaint.png') });
  });

  it('removes a background through the form generated for removebg_mask, with an uploaded file', async () => {
    await chooseOperation('/api/v6/image_editing/removebg_mask');
    expect(await page.isHidden('#mask-area')).toBe(true);
    // A red square on blue: what GrabCut keeps is what differs from the border's colours.
    const picture = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#1d4ed8' } })
      .composite([
        {
          input: await sharp({ create: { width: 24, height: 24, channels: 3, background: '#dc2626' } })
            .png()
            .toBuffer(),
          left: 20,
          top: 20,
        },
      ])
      .png()
      .toBuffer();
    await page.setInputFiles('#field-image-file', {
      name: 'square.png',
      mimeType: 'image/png',
      buffer: picture,
    });
    await page.waitForFunction(() =>
      (document.querySelector('#field-image') as HTMLInputElement).value.startsWith('data:image/png;base64,'),
    );
    await page.selectOption('#field-only_mask', 'yes');
    await page.click('#submit');
    await waitForGallery(3);
    expect(await page.textContent('#error')).toBe('');
    expect(await page.textContent('#gallery li span')).toMatch(/^#\d+ removebg_mask · success$/);
    const mask = await page.$eval('#outputs img', async (img) => {
      const image = img as HTMLImageElement;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.naturalWidth;
      canvas.height = image.naturalHeight;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(image, 0, 0);
      const at = (x: number, y: number) => ctx.getImageData(x, y, 1, 1).data[0];
      return { width: image.naturalWidth, object: at(32, 32), background: at(4, 4) };
    });
    expect(mask.width).toBe(64);
    expect(mask.object).toBeGreaterThan(200); // white: the object
    expect(mask.background).toBeLessThan(50);
    await page.click('#copy-curl');
    expect(await page.textContent('#curl')).toContain('"image":"data:image/png;base64,');
    expect(await page.textContent('#curl')).toContain('"only_mask":"yes"');
    await page.screenshot({ path: join(ARTIFACTS, 'removebg.png') });
  });

  it("shows a validation error in the API's words and marks the field", async () => {
    await chooseOperation('/api/v3/text2img');
    await page.fill('#field-prompt', '');
    await page.fill('#field-width', 'wide');
    await page.click('#submit');
    await page.waitForFunction(() => document.querySelector('#error')?.textContent !== '');
    await page.click('#copy-curl');
    const body = JSON.parse(curlWords((await page.textContent('#curl'))!)[7]);
    const answer = await post(`${url}/api/v3/text2img`, body);
    expect(answer.status).toBe(422);
    expect(await page.textContent('#error')).toBe(
      Object.values<string[]>(answer.body.message).flat().join(' '),
    );
    expect(await page.textContent('#error')).toContain('The prompt field is required.');
    expect(await page.getAttribute('#field-prompt', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#field-width', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#field-height', 'aria-invalid')).toBeNull();
    await page.fill('#field-width', '');
  });

  it('has a labelled control for every field of every job operation in /openapi.json', async () => {
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as any;
    const resolve = (schema: any): any =>
      schema.$ref ? resolve(doc.components.schemas[schema.$ref.split('/').pop()]) : schema;
    const jobs = Object.entries<any>(doc.paths).filter(([, m]) => m.post?.['x-easel-job-kind']);
    const offered = await page.$$eval('#operation option', (options) =>
      options.map((o) => (o as HTMLOptionElement).value),
    );
    expect(offered.sort()).toEqual(jobs.map(([path]) => path).sort());
    for (const [path, methods] of jobs) {
      await chooseOperation(path);
      const fields = Object.keys(
        resolve(methods.post.requestBody.content['application/json'].schema).properties,
      );
      const shown = await page.$$eval('#fields [name]', (controls) =>
        controls.map((c) => {
          const label = document.querySelector(`label[for="${c.id}"]`)?.textContent ?? '';
          return [(c as HTMLInputElement).name, label.split(' ')[0]];
        }),
      );
      const expected = fields.filter((f) => f !== 'key').map((f) => [f, f]);
      expect([path, shown]).toEqual([path, expected]);
    }
    await chooseOperation('/api/v3/text2img');
  });

  it("lists the tenant's jobs from the server on load, and no other tenant's", async () => {
    await page.reload();
    await page.waitForSelector('#field-prompt');
    await waitForGallery(3);
    const captions = await page.$$eval('#gallery li span', (spans) => spans.map((s) => s.textContent));
    expect(captions.map((c) => c!.replace(/^#\d+ /, ''))).toEqual([
      'removebg_mask · success',
      'inpaint · success',
      'text2img · success',
    ]);
    const admin = (path: string, body: Record<string, unknown>) =>
      post(`${url}/api/v1/enterprise/${path}`, { key, ...body });
    const tenant = (await admin('tenants/create', { name: 'another studio', credits: 10 })).body;
    const otherKey = (await admin('keys/create', { tenant_id: tenant.tenant.id, name: 'theirs' })).body
      .api_key;
    await useKey(otherKey);
    await page.waitForFunction(
      () => document.querySelector('#gallery-status')?.textContent === 'No jobs yet.',
    );
    expect(await galleryImages()).toBe(0);
    await useKey(key);
    await waitForGallery(3);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, 'gallery.png') });
  });

  it('can be used with the keyboard alone', async () => {
    await page.reload();
    await page.waitForSelector('#field-prompt');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('api-key');
    expect(await page.inputValue('#api-key')).toBe(key); // kept in the tab's sessionStorage
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('operation');
    await page.keyboard.press('Tab');
    await page.keyboard.type('a blue square');
    expect(await page.inputValue('#field-prompt')).toBe('a blue square');
    await page.focus('#field-num_inference_steps');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('3');
    await page.focus('#submit');
    await page.keyboard.press('Enter');
    await waitForGallery(4);
    await page.waitForSelector('#outputs img');
    await page.evaluate(() => window.scrollTo(0, 0));
    expect(await page.isHidden('#preview')).toBe(true); // the result replaced the live preview
    // The README's picture (docs/playground.png) is this one: request, result and gallery.
    await page.screenshot({ path: join(ARTIFACTS, 'after-job.png') });
  });

  it('has no serious or critical axe-core violations', async () => {
    await page.addScriptTag({ content: await readFile(require.resolve('axe-core/axe.min.js'), 'utf8') });
    const violations = await page.evaluate(async () => {
      const result = await (
        window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string }[] }> } }
      ).axe.run();
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => v.id);
    });
    expect(violations).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'playground.png'), fullPage: true });
  });
});
