import { parseMeshRequest } from './mesh-request';
import { meshPrice } from './mesh-pricing';

describe('parseMeshRequest', () => {
  it("reads the docs' body with the dialect's tolerant values and echoes the public model's sampler fields", () => {
    const parsed = parseMeshRequest('text_to_3d', { prompt: 'a red cube', resolution: '128', output_format: 'OBJ', render: 'yes', seed: 0, ss_sampling_steps: 50, chunk_size: '4096' });
    expect(parsed).toEqual({
      ok: true,
      value: expect.objectContaining({
        kind: 'text_to_3d',
        prompt: 'a red cube',
        resolution: 128,
        outputFormat: 'obj',
        render: true,
        seed: null,
        steps: 30,
        guidanceScale: 2,
        meshSimplify: 0.9,
        image: null,
        echoed: { chunk_size: 4096, ss_guidance_strength: 7.5, ss_sampling_steps: 50, slat_guidance_strength: 3, slat_sampling_steps: 12 },
      }),
    });
    const image = parseMeshRequest('image_to_3d', { init_image: 'https://example.com/a.png', remove_bg: 'no', foreground_ratio: '0.7', mesh_simplify: 0 });
    expect(image).toEqual({ ok: true, value: expect.objectContaining({ kind: 'image_to_3d', image: 'https://example.com/a.png', removeBg: false, foregroundRatio: 0.7, meshSimplify: 0, resolution: 256, outputFormat: 'glb' }) });
  });

  it('reports every bad field at once', () => {
    const parsed = parseMeshRequest('text_to_3d', { resolution: 1024, num_inference_steps: 0, output_format: 'fbx', guidance_scale: -1, mesh_simplify: 0.3, ss_sampling_steps: 99 });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(Object.keys(parsed.errors).sort()).toEqual(['guidance_scale', 'mesh_simplify', 'num_inference_steps', 'output_format', 'prompt', 'resolution', 'ss_sampling_steps']);
  });

  it('image_to_3d: the picture is required and must be one; multi_image is refused', () => {
    const none = parseMeshRequest('image_to_3d', {});
    expect(none.ok).toBe(false);
    if (!none.ok) expect(Object.keys(none.errors)).toEqual(['image']);
    const multi = parseMeshRequest('image_to_3d', { image: 'https://example.com/a.png', multi_image: true });
    expect(multi.ok).toBe(false);
    if (!multi.ok) expect(Object.keys(multi.errors)).toEqual(['multi_image']);
  });

  it('prices 0.1 a mesh up to resolution 256, by the surface beyond', () => {
    expect(meshPrice({ resolution: 64 })).toBe(0.1);
    expect(meshPrice({ resolution: 256 })).toBe(0.1);
    expect(meshPrice({ resolution: 512 })).toBe(0.4);
  });
});
