import { jobOperations, maskOf, widgetOf, type Document } from '../../apps/gateway/web/src/schema';
import { startEmbeddedGateway } from '../support/embedded-gateway';

/**
 * The playground's forms are made from /openapi.json: every job operation the gateway serves
 * (whatever family added it) must get a form, and every field of its request schema a control
 * the page knows how to offer. A new endpoint or field the page cannot show fails here, by name.
 */
describe("the playground's forms, from the gateway's own /openapi.json", () => {
  let doc: Document;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const started = await startEmbeddedGateway();
    close = started.close;
    const response = await started.gateway.app.inject({ method: 'GET', url: '/openapi.json' });
    doc = JSON.parse(response.body) as Document;
  }, 60_000);
  afterAll(() => close?.());

  /** Read straight from the document, not through the page's code. */
  const jobPaths = () =>
    Object.entries(doc.paths)
      .filter(([, methods]) => methods.post?.['x-easel-job-kind'])
      .map(([path]) => path)
      .sort();

  it('offers a form for every job operation', () => {
    const offered = jobOperations(doc).map((op) => op.path);
    expect(jobPaths().filter((path) => !offered.includes(path))).toEqual([]);
    expect(offered.sort()).toEqual(jobPaths());
    // The families on main when this test was written; later ones join through the document.
    expect(offered).toEqual(
      expect.arrayContaining([
        '/api/v3/text2img',
        '/api/v3/img2img',
        '/api/v3/inpaint',
        '/api/v4/dreambooth',
        '/api/v3/super_resolution',
        '/api/v6/image_editing/super_resolution',
        '/api/v3/removebg_mask',
        '/api/v6/image_editing/removebg_mask',
      ]),
    );
  });

  it('has a control for every field of every request schema', () => {
    const missing: string[] = [];
    for (const op of jobOperations(doc)) {
      const properties = op.body.properties ?? {};
      expect([op.path, Object.keys(properties).length > 1]).toEqual([op.path, true]);
      for (const [name, schema] of Object.entries(properties)) {
        if (!widgetOf(name, schema))
          missing.push(`${op.path} ${name}: ${JSON.stringify(schema).slice(0, 120)}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('offers a file picker for every image field, and the mask canvas where a mask is taken', () => {
    const notPickers: string[] = [];
    for (const op of jobOperations(doc)) {
      for (const [name, schema] of Object.entries(op.body.properties ?? {})) {
        // Any field documented as taking an image, however its family built the schema.
        if (/base64-encoded image/.test(schema.description ?? '') && widgetOf(name, schema) !== 'image')
          notPickers.push(`${op.path} ${name}`);
      }
    }
    expect(notPickers).toEqual([]);
    const widgets = (path: string) => {
      const op = jobOperations(doc).find((o) => o.path === path)!;
      return Object.fromEntries(
        Object.entries(op.body.properties ?? {}).map(([n, s]) => [n, widgetOf(n, s)]),
      );
    };
    expect(widgets('/api/v3/inpaint')).toMatchObject({
      prompt: 'long-text',
      init_image: 'image',
      mask_image: 'image',
      num_inference_steps: 'text',
      scheduler: 'choice',
      safety_checker: 'flag',
    });
    expect(widgets('/api/v6/image_editing/super_resolution')).toMatchObject({
      url: 'image',
      init_image: 'image',
    });
    expect(widgets('/api/v6/image_editing/removebg_mask')).toMatchObject({
      image: 'image',
      only_mask: 'flag',
    });
    const masks = Object.fromEntries(jobOperations(doc).map((op) => [op.path, maskOf(op)]));
    expect(masks['/api/v3/inpaint']).toEqual({ background: 'init_image' });
    expect(masks['/api/v3/text2img']).toBeUndefined();
    expect(masks['/api/v6/image_editing/removebg_mask']).toBeUndefined();
  });

  it('would name a field it cannot show (the check has teeth)', () => {
    expect(widgetOf('mystery', { description: 'no type at all' })).toBeUndefined();
    expect(widgetOf('messages', { type: 'array', items: { type: 'object' } } as never)).toBe('json');
  });
});
