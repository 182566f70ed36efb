"""The primitives world easel-tiny-mesh learns: captioned scenes of one or two coloured solids.

Space is the cube [-1, 1]^3, y up, the camera in front (+z). A scene is a list of objects,
each {shape, colour, size, center, scale}; one object sits at the origin, two stand side by
side on the x axis (the first named on the left). Shapes are closed solids with exact signed
distances (Inigo Quilez's formulas), sized by one `scale` s:
  sphere r = s; cube half-side 0.8 s; cylinder r = 0.75 s, half-height s (axis y);
  cone base r = s at y = -s, apex at y = +s; torus R = 0.7 s, tube 0.3 s, flat in xz;
  capsule: segment y in [-0.5 s, 0.5 s], r = 0.5 s.
The same definitions are written out with every held-out prompt (`heldout_mesh.json`), from
which the judge in packages/testing rebuilds the ground truth.

Held out: one colour per shape (those pairs never appear in training, alone or in pairs),
and every two-object prompt of the held-out set names a pair of objects never seen together.
"""
import math
import random

import torch

import dataset  # easel-tiny's palette: the same colour names and RGB values

COLORS = dataset.COLORS
COLOR_NAMES = dataset.COLOR_NAMES
SHAPES = ["sphere", "cube", "cone", "cylinder", "torus", "capsule"]
SHAPE_WORDS = {
    "sphere": ["sphere", "ball"],
    "cube": ["cube", "box"],
    "cone": ["cone"],
    "cylinder": ["cylinder"],
    "torus": ["torus", "donut"],
    "capsule": ["capsule", "pill"],
}
SIZES = {"small": 0.3, None: 0.45, "large": 0.6}
PAIR_SCALE = 0.34
PAIR_OFFSET = 0.5
HELDOUT_PAIRS = {("sphere", "orange"), ("cube", "purple"), ("cone", "cyan"), ("cylinder", "pink"),
                 ("torus", "yellow"), ("capsule", "green")}


def obj(shape, colour, size=None, center=(0.0, 0.0, 0.0), scale=None):
    return {"shape": shape, "colour": colour, "size": size, "center": list(center),
            "scale": SIZES[size] if scale is None else scale}


def training_pick(r):
    while True:
        s, c = r.choice(SHAPES), r.choice(COLOR_NAMES)
        if (s, c) not in HELDOUT_PAIRS:
            return s, c


def sample_scene(r, pair_p=0.3, size_p=0.5):
    """A training scene: no held-out (shape, colour) pair in it."""
    if r.random() < pair_p:
        (s1, c1), (s2, c2) = training_pick(r), training_pick(r)
        return [obj(s1, c1, None, (-PAIR_OFFSET, 0, 0), PAIR_SCALE), obj(s2, c2, None, (PAIR_OFFSET, 0, 0), PAIR_SCALE)]
    s, c = training_pick(r)
    size = r.choice(["small", "large"]) if r.random() < size_p else None
    return [obj(s, c, size)]


def describe(o, r):
    word = r.choice(SHAPE_WORDS[o["shape"]])
    size = f"{o['size']} " if o["size"] else ""
    return f"{size}{o['colour']} {word}"


def caption(scene, r):
    if len(scene) == 1:
        return r.choice(["a ", "a ", "one "]) + describe(scene[0], r)
    a, b = describe(scene[0], r), describe(scene[1], r)
    return r.choice([f"a {a} and a {b}", f"a {a} next to a {b}", f"a {a} beside a {b}"])


# ----------------------------------------------------------------------------- signed distances
def _length2(x, y):
    return torch.sqrt(x * x + y * y + 1e-12)  # the epsilon keeps gradients finite on the axis


def sdf_shape(shape, p, s):
    """Exact signed distance of one primitive at the origin, p [N, 3]."""
    x, y, z = p[:, 0], p[:, 1], p[:, 2]
    if shape == "sphere":
        return p.norm(dim=1) - s
    if shape == "cube":
        q = p.abs() - 0.8 * s
        return q.clamp(min=0).norm(dim=1) + q.max(dim=1).values.clamp(max=0)
    if shape == "cylinder":
        dx = _length2(x, z) - 0.75 * s
        dy = y.abs() - s
        return _length2(dx.clamp(min=0), dy.clamp(min=0)) + torch.maximum(dx, dy).clamp(max=0)
    if shape == "torus":
        return _length2(_length2(x, z) - 0.7 * s, y) - 0.3 * s
    if shape == "capsule":
        yy = y.clamp(-0.5 * s, 0.5 * s)
        return torch.sqrt(x * x + (y - yy) ** 2 + z * z) - 0.5 * s
    if shape == "cone":
        # capped cone (IQ's sdCappedCone), base radius r1 at y=-h, r2=0 at y=+h
        h, r1, r2 = s, s, 0.0
        qx, qy = _length2(x, z), y
        k1x, k1y = r2, h
        k2x, k2y = r2 - r1, 2 * h
        cax = qx - torch.minimum(qx, torch.where(qy < 0, torch.full_like(qy, r1), torch.full_like(qy, r2)))
        cay = qy.abs() - h
        t = ((k1x - qx) * k2x + (k1y - qy) * k2y) / (k2x * k2x + k2y * k2y)
        t = t.clamp(0, 1)
        cbx = qx - k1x + k2x * t
        cby = qy - k1y + k2y * t
        sign = torch.where((cbx < 0) & (cay < 0), -1.0, 1.0)
        return sign * torch.sqrt(torch.minimum(cax * cax + cay * cay, cbx * cbx + cby * cby) + 1e-12)
    raise ValueError(shape)


def scene_sdf(scene, p):
    """(distance [N], index of the nearest object [N])."""
    ds = torch.stack([sdf_shape(o["shape"], p - torch.tensor(o["center"]), o["scale"]) for o in scene])
    d, i = ds.min(dim=0)
    return d, i


def scene_colour(scene, idx):
    table = torch.tensor([COLORS[o["colour"]] for o in scene], dtype=torch.float32) / 255.0
    return table[idx]


def surface_points(scene, n, g):
    """n points on the surface: uniform seeds pulled onto it by Newton steps along the gradient."""
    p = (torch.rand(n, 3, generator=g) * 2 - 1) * 0.95
    with torch.enable_grad():
        return _pull_to_surface(scene, p)


def _pull_to_surface(scene, p):
    for _ in range(6):
        p = p.detach().requires_grad_(True)
        d, _ = scene_sdf(scene, p)
        (grad,) = torch.autograd.grad(d.sum(), p)
        p = p - d[:, None] * grad / grad.norm(dim=1, keepdim=True).clamp(min=1e-6)
    return p.detach()


def training_points(scene, n, g):
    """Points for the decoder: 3/8 uniform in the cube, 5/8 near the surface (two noise widths)."""
    nu = n * 3 // 8
    ns = n - nu
    surf = surface_points(scene, ns, g)
    sigma = torch.where(torch.rand(ns, 1, generator=g) < 0.5, 0.01, 0.05)
    near = surf + torch.randn(ns, 3, generator=g) * sigma
    uni = torch.rand(nu, 3, generator=g) * 2 - 1
    p = torch.cat([uni, near]).clamp(-1, 1)
    d, i = scene_sdf(scene, p)
    return p, d, scene_colour(scene, i)


def voxel_grid(scene, res=32):
    """[4, res, res, res]: truncated distance (/0.1, clamped to +-1) and colour where inside (else 0),
    indexed [c, z, y, x] over cell centres in [-1, 1]^3 (the shape encoder's input)."""
    c = (torch.arange(res) + 0.5) / res * 2 - 1
    zz, yy, xx = torch.meshgrid(c, c, c, indexing="ij")
    p = torch.stack([xx, yy, zz], dim=-1).reshape(-1, 3)
    d, i = scene_sdf(scene, p)
    col = scene_colour(scene, i) * (d < 0.05).float()[:, None]
    grid = torch.cat([(d / 0.1).clamp(-1, 1)[:, None], col], dim=1)
    return grid.T.reshape(4, res, res, res)


def heldout_scenes(n_pair=14, seed=77):
    """The held-out prompts: single objects of the held-out (shape, colour) pairs at every size, and
    two-object scenes naming at least one held-out pair."""
    r = random.Random(seed)
    out = []
    for shape, colour in sorted(HELDOUT_PAIRS):
        for size in ["small", None, "large"]:
            out.append([obj(shape, colour, size)])
    for _ in range(n_pair):
        s1, c1 = sorted(HELDOUT_PAIRS)[r.randrange(len(HELDOUT_PAIRS))]
        s2, c2 = r.choice(SHAPES), r.choice(COLOR_NAMES)
        pair = [obj(s1, c1, None, (-PAIR_OFFSET, 0, 0), PAIR_SCALE), obj(s2, c2, None, (PAIR_OFFSET, 0, 0), PAIR_SCALE)]
        if r.random() < 0.5:
            pair = [obj(s2, c2, None, (-PAIR_OFFSET, 0, 0), PAIR_SCALE), obj(s1, c1, None, (PAIR_OFFSET, 0, 0), PAIR_SCALE)]
        out.append(pair)
    return out


def canonical_caption(scene):
    r = random.Random(0)
    if len(scene) == 1:
        o = scene[0]
        return f"a {o['size'] + ' ' if o['size'] else ''}{o['colour']} {o['shape']}"
    a, b = scene
    return f"a {a['colour']} {a['shape']} and a {b['colour']} {b['shape']}"


def camera_rays(res, azimuth, elevation, distance=3.2, fov=38.0):
    """Origins and unit directions [res*res, 3] of a pinhole camera looking at the origin."""
    az, el = math.radians(azimuth), math.radians(elevation)
    eye = torch.tensor([distance * math.cos(el) * math.sin(az), distance * math.sin(el),
                        distance * math.cos(el) * math.cos(az)])
    fwd = -eye / eye.norm()
    right = torch.linalg.cross(fwd, torch.tensor([0.0, 1.0, 0.0]))
    right = right / right.norm()
    up = torch.linalg.cross(right, fwd)
    f = math.tan(math.radians(fov) / 2)
    c = ((torch.arange(res) + 0.5) / res * 2 - 1) * f
    v, u = torch.meshgrid(-c, c, indexing="ij")
    d = fwd[None] + u.reshape(-1, 1) * right[None] + v.reshape(-1, 1) * up[None]
    return eye.expand(res * res, 3), d / d.norm(dim=1, keepdim=True)
