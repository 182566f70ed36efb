import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { EaselProcess, freePort, tempHome } from '../e2e/helpers';

const ARTIFACTS = join(__dirname, 'artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

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

  it('shows the API\'s "Invalid Api Key" for a wrong key', async () => {
    await page.fill('#api-key', 'esk_wrong');
    await chooseOperation('/api/v3/text2img');
    await page.fill('#field-prompt', 'a red circle');
    await page.click('#submit');
    await page.waitForFunction(() => document.querySelector('#error')?.textContent === 'Invalid Api Key');
  });

  it('shows progress advancing, then the image, and lists it in the gallery', async () => {
    await page.fill('#api-key', key);
    await chooseOperation('/api/v3/text2img');
    await page.fill('#field-prompt', 'a red circle on a blue background');
    await page.fill('#field-num_inference_steps', '6');
    await page.fill('#field-width', '256');
    await page.fill('#field-height', '256');
    await page.click('#submit');
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
    expect(await page.$$('#gallery img')).toHaveLength(1);
    expect(await page.textContent('#error')).toBe('');
    await page.click('#copy-curl');
    expect(await page.textContent('#curl')).toContain(`"prompt":"a red circle on a blue background"`);
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
    await page.waitForFunction(() => document.querySelectorAll('#gallery img').length === 2, undefined, {
      timeout: 90_000,
    });
    expect(await page.textContent('#error')).toBe('');
    expect(await page.textContent('#curl')).toBeDefined();
    await page.click('#copy-curl');
    expect(await page.textContent('#curl')).toContain('"mask_image":"data:image/png;base64,');
    await page.screenshot({ path: join(ARTIFACTS, 'inpaint.png') });
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
    await page
      .waitForFunction(() => document.querySelectorAll('#gallery img').length === 1, undefined, {
        timeout: 90_000,
      })
      .catch(async (error: Error) => {
        throw new Error(`${error.message}; the page says: ${await page.textContent('#error')}`);
      });
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
