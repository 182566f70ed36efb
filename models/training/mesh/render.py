"""Views of a scene for image_to_3d: sphere-traced, Lambert-shaded, on a grey background, then
framed the way the engine frames a user's image (packages/engine-mesh/src/image/frame-image.ts):
the object's bounding box centred in a square whose side is its longer side / foreground_ratio.

`shading` in [0, 1] blends a flat fill (0: the object's own colour everywhere, as in a drawn
disc) with the lit surface (1), so the image encoder learns both photographs and drawings.
"""
import math

import torch
import torch.nn.functional as F

import world

BACKGROUND = 0.5  # grey, as the engine pastes a user's foreground
LIGHT = torch.tensor([-0.45, 0.75, 0.5])
LIGHT = LIGHT / LIGHT.norm()


@torch.no_grad()
def trace(scene, res, azimuth, elevation, steps=64):
    """(rgb [res, res, 3] in [0, 1], mask [res, res]) of the scene seen from the camera."""
    o, d = world.camera_rays(res, azimuth, elevation)
    t = torch.full((o.shape[0],), 1.5)
    hit = torch.zeros(o.shape[0], dtype=torch.bool)
    for _ in range(steps):
        p = o + d * t[:, None]
        dist, _ = world.scene_sdf(scene, p)
        hit = hit | (dist < 1e-3)
        t = torch.where(hit, t, t + dist * 0.9)
    p = o + d * t[:, None]
    dist, idx = world.scene_sdf(scene, p)
    hit = hit & (t < 5.0)
    eps = 1e-3
    n = torch.stack([
        world.scene_sdf(scene, p + torch.tensor([eps, 0, 0]))[0] - world.scene_sdf(scene, p - torch.tensor([eps, 0, 0]))[0],
        world.scene_sdf(scene, p + torch.tensor([0, eps, 0]))[0] - world.scene_sdf(scene, p - torch.tensor([0, eps, 0]))[0],
        world.scene_sdf(scene, p + torch.tensor([0, 0, eps]))[0] - world.scene_sdf(scene, p - torch.tensor([0, 0, eps]))[0],
    ], dim=1)
    n = n / n.norm(dim=1, keepdim=True).clamp(min=1e-8)
    lambert = (n @ LIGHT).clamp(min=0)
    base = world.scene_colour(scene, idx)
    return base.reshape(res, res, 3), (0.35 + 0.75 * lambert).reshape(res, res, 1), hit.reshape(res, res)


def frame(rgb, mask, out=64, ratio=0.85):
    """Crop a square around the mask's bounding box so the object spans `ratio` of it; resize."""
    ys, xs = torch.nonzero(mask, as_tuple=True)
    res = mask.shape[0]
    if len(ys) == 0:
        y0, y1, x0, x1 = 0, res, 0, res
    else:
        y0, y1, x0, x1 = ys.min().item(), ys.max().item() + 1, xs.min().item(), xs.max().item() + 1
    side = max(y1 - y0, x1 - x0) / ratio
    cy, cx = (y0 + y1) / 2, (x0 + x1) / 2
    img = torch.where(mask[..., None], rgb, torch.full_like(rgb, BACKGROUND)).permute(2, 0, 1)[None]
    # an affine grid over the square (pixels outside the image are background)
    s = side / res
    theta = torch.tensor([[[s, 0, (2 * cx / res - 1)], [0, s, (2 * cy / res - 1)]]], dtype=torch.float32)
    grid = F.affine_grid(theta, (1, 3, out * 2, out * 2), align_corners=False)
    big = F.grid_sample(img - BACKGROUND, grid, mode="bilinear", padding_mode="zeros", align_corners=False) + BACKGROUND
    return F.avg_pool2d(big, 2)[0].permute(1, 2, 0).clamp(0, 1)


def view(scene, r, res=96, out=64):
    """A random training view: camera, shading and framing jitter."""
    az = r.uniform(-35, 35)
    el = r.uniform(8, 35)
    base, light, mask = trace(scene, res, az, el)
    shading = 0.0 if r.random() < 0.25 else r.uniform(0.5, 1.0)
    rgb = (base * (shading * light + (1 - shading))).clamp(0, 1)
    return frame(rgb, mask, out, r.uniform(0.75, 0.92))


def fixed_view(scene, azimuth, elevation, shading=1.0, res=128, out=64):
    base, light, mask = trace(scene, res, azimuth, elevation)
    rgb = (base * (shading * light + (1 - shading))).clamp(0, 1)
    return frame(rgb, mask, out, 0.85)
