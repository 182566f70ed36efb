#!/usr/bin/env python3
"""Independent NumPy reference for Easel's schedulers (see README.md).

Written from the published algorithms (DDPM, DDIM, PNDM, k-diffusion's Euler/Heun/DPM2/LMS
samplers, DPM-Solver++, UniPC, DEIS, LCM) and diffusers' documented schedule semantics, as
whole sampling loops in float64 -- deliberately *not* a port of the TypeScript step() classes.
Each fixture records timesteps, init_noise_sigma and the trajectory of a full sampling run
driven by a fixed "model" and, for stochastic samplers, the noise it consumed.
"""
import json
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures")
SHAPE = [2, 4, 2, 2]
SIZE = int(np.prod(SHAPE))
IDX = np.arange(SIZE, dtype=np.float64)


def r7(a):
    """Round to 7 significant digits (inputs are rounded *before* use so both sides see the same)."""
    return np.array([float(f"{v:.7g}") for v in np.asarray(a, dtype=np.float64).ravel()])


def model(x, t):
    """The stand-in UNet: a fixed function of (input, timestep), elementwise over the flat index."""
    return 0.25 * x + 0.1 * np.sin(0.013 * t + 0.37 * IDX)


class Noise:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.used = []

    def __call__(self):
        z = r7(self.rng.standard_normal(SIZE))
        self.used.append(z)
        return z


# ---------------------------------------------------------------- schedules

def defaults(**over):
    d = dict(num_train_timesteps=1000, beta_start=0.0001, beta_end=0.02, beta_schedule="linear",
             prediction_type="epsilon", timestep_spacing="linspace", steps_offset=0)
    d.update(over)
    return d


def alpha_bar(cfg):
    n = cfg["num_train_timesteps"]
    kind = cfg["beta_schedule"]
    if kind == "linear":
        betas = np.linspace(cfg["beta_start"], cfg["beta_end"], n)
    elif kind == "scaled_linear":
        betas = np.linspace(cfg["beta_start"] ** 0.5, cfg["beta_end"] ** 0.5, n) ** 2
    elif kind == "squaredcos_cap_v2":
        f = lambda s: math.cos((s + 0.008) / 1.008 * math.pi / 2) ** 2
        betas = np.array([min(1 - f((i + 1) / n) / f(i / n), 0.999) for i in range(n)])
    else:
        raise ValueError(kind)
    if cfg.get("rescale_betas_zero_snr"):
        betas = zero_terminal_snr(betas)
    return np.cumprod(1.0 - betas)


def zero_terminal_snr(betas):
    """Lin et al. 2023 ("Common Diffusion Noise Schedules and Sample Steps are Flawed"), Algorithm 1."""
    sq = np.sqrt(np.cumprod(1.0 - betas))
    s0, sT = sq[0], sq[-1]
    sq = (sq - sT) * s0 / (s0 - sT)
    ab = sq ** 2
    alphas = np.concatenate([ab[:1], ab[1:] / ab[:-1]])
    return 1.0 - alphas


def k_sigma(ab):
    # zero terminal SNR: sigma_T would be infinite; diffusers' sigma-space schedulers use alpha_bar_T = 2^-24
    ab = np.where(ab == 0, 2.0 ** -24, ab)
    return np.sqrt((1 - ab) / ab)


def sigma_of_t(ab, t):
    return np.interp(t, np.arange(len(ab)), k_sigma(ab))


def t_of_sigma(ab, s):
    # sigma(t) is increasing, so invert by interpolating t over log sigma
    return np.interp(np.log(np.maximum(s, 1e-10)), np.log(k_sigma(ab)), np.arange(len(ab), dtype=np.float64))


def karras(smin, smax, n, rho=7.0):
    ramp = np.linspace(0, 1, n)
    return (smax ** (1 / rho) + ramp * (smin ** (1 / rho) - smax ** (1 / rho))) ** rho


def spaced(cfg, n, family):
    """diffusers' timestep_spacing. family: 'k' (float, Euler-like), 'int' (DDIM-like), 'ms' (DPM-Solver-like)."""
    N, sp, off = cfg["num_train_timesteps"], cfg["timestep_spacing"], cfg["steps_offset"]
    if sp == "trailing":
        return np.round(np.arange(N, 0, -N / n)) - 1
    if family == "ms":
        if sp == "linspace":
            return np.round(np.linspace(0, N - 1, n + 1))[::-1][:-1]
        return (np.arange(0, n + 1) * (N // (n + 1)))[::-1][:-1] + off
    if sp == "linspace":
        ts = np.linspace(0, N - 1, n)[::-1]
        return np.round(ts) if family == "int" else ts
    return (np.arange(0, n) * (N // n))[::-1].astype(np.float64) + off


def k_schedule(cfg, n):
    """Euler/LMS/Heun/DPM2: sigmas at the (float) timesteps, optionally Karras over their range."""
    ab = alpha_bar(cfg)
    f32 = lambda a: np.asarray(a, dtype=np.float32).astype(np.float64)  # diffusers stores these timesteps as float32
    ts = f32(spaced(cfg, n, "k"))
    sig = sigma_of_t(ab, ts)
    if cfg.get("use_karras_sigmas"):
        sig = karras(sig[-1], sig[0], n)
        ts = f32(t_of_sigma(ab, sig))
    init = sig.max() if cfg["timestep_spacing"] != "leading" else math.sqrt(sig.max() ** 2 + 1)
    return ab, ts, sig, init


def ms_schedule(cfg, n, last="zero", spacing=True):
    ab = alpha_bar(cfg)
    sig_train = k_sigma(ab)
    if cfg.get("use_karras_sigmas"):
        sig = karras(sig_train[0], sig_train[-1], n)
        ts = np.round(t_of_sigma(ab, sig))
        tail = 0.0 if last == "zero" else sig[-1]
    else:
        if spacing:
            ts = spaced(cfg, n, "ms")
        else:
            N = cfg["num_train_timesteps"]
            ts = np.round(np.linspace(0, N - 1, n + 1))[::-1][:-1]
        sig = sigma_of_t(ab, ts)
        tail = 0.0 if last == "zero" else sig_train[0]
    return ab, ts, np.append(sig, tail)


# ---------------------------------------------------------------- k-space helpers

def denoise_k(cfg, x, s, t):
    """x0 estimate of a k-diffusion sampler: the model sees x/sqrt(s^2+1)."""
    out = model(x / math.sqrt(s * s + 1), t)
    p = cfg["prediction_type"]
    if p == "epsilon":
        return x - s * out
    if p == "v_prediction":
        return x / (s * s + 1) - out * s / math.sqrt(s * s + 1)
    return out


class Run:
    def __init__(self):
        self.traj = []

    def rec(self, x):
        self.traj.append(x.copy())
        return x


def euler(cfg, n, x, noise, begin=0):
    ab, ts, sig, init = k_schedule(cfg, n)
    sig = np.append(sig, 0.0)
    run = Run()
    for i in range(begin, n):
        x0 = denoise_k(cfg, x, sig[i], ts[i])
        x = run.rec(x0 + (x - x0) * (sig[i + 1] / sig[i]))
    return list(ts), init, run.traj, lambda x0, e, k: x0 + e * sig[k]


def euler_a(cfg, n, x, noise, begin=0):
    ab, ts, sig, init = k_schedule(cfg, n)
    sig = np.append(sig, 0.0)
    run = Run()
    for i in range(begin, n):
        s, s2 = sig[i], sig[i + 1]
        up = min(s2, math.sqrt(s2 ** 2 * (s ** 2 - s2 ** 2) / s ** 2))
        down = math.sqrt(s2 ** 2 - up ** 2)
        x0 = denoise_k(cfg, x, s, ts[i])
        z = noise()
        x = run.rec(x0 + (x - x0) * (down / s) + up * z)
    return list(ts), init, run.traj, lambda x0, e, k: x0 + e * sig[k]


def lms(cfg, n, x, noise, begin=0, order=4):
    ab, ts, sig, init = k_schedule(cfg, n)
    sig = np.append(sig, 0.0)
    run = Run()
    ds = []
    for i in range(begin, n):
        x0 = denoise_k(cfg, x, sig[i], ts[i])
        ds.insert(0, (x - x0) / sig[i])
        ds = ds[:order]
        q = len(ds)
        nodes = [sig[i - j] for j in range(q)]
        upd = np.zeros_like(x)
        for j in range(q):
            # Lagrange basis for node j, integrated exactly as a polynomial from sigma_i to sigma_{i+1}
            p = np.poly1d([1.0])
            for m in range(q):
                if m != j:
                    p = p * np.poly1d([1.0, -nodes[m]]) / (nodes[j] - nodes[m])
            P = p.integ()
            upd += (P(sig[i + 1]) - P(sig[i])) * ds[j]
        x = run.rec(x + upd)
    return list(ts), init, run.traj, lambda x0, e, k: x0 + e * sig[k]


def heun(cfg, n, x, noise, begin=0):
    """Heun (Karras et al. Alg. 1, churn 0); the step into sigma=0 is plain Euler."""
    ab, ts, sig, init = k_schedule(cfg, n)
    sig = np.append(sig, 0.0)
    flat_ts = [ts[0]] + [t for t in ts[1:] for _ in (0, 1)]
    run = Run()
    i0 = (begin + 1) // 2
    for i in range(i0, n):
        s, s2 = sig[i], sig[i + 1]
        d = (x - denoise_k(cfg, x, s, ts[i])) / s
        xe = run.rec(x + d * (s2 - s))
        if s2 == 0:
            x = xe
            break
        d2 = (xe - denoise_k(cfg, xe, s2, ts[i + 1])) / s2
        x = run.rec(x + (d + d2) / 2 * (s2 - s))
    rep = np.concatenate([[sig[0]], np.repeat(sig[1:-1], 2), [0.0]])
    return flat_ts, init, run.traj, lambda x0, e, k: x0 + e * rep[k]


def dpm2(cfg, n, x, noise, begin=0):
    """k-diffusion sample_dpm_2: midpoint in log sigma; last step Euler to 0."""
    ab, ts, sig, init = k_schedule(cfg, n)
    sig = np.append(sig, 0.0)
    mids = [math.exp(0.5 * (math.log(sig[i]) + math.log(sig[i + 1]))) for i in range(n - 1)]
    flat_ts = [ts[0]]
    for i in range(n - 1):
        flat_ts += [float(np.float32(t_of_sigma(ab, mids[i]))), ts[i + 1]]
    run = Run()
    for i in range(n):
        s, s2 = sig[i], sig[i + 1]
        d = (x - denoise_k(cfg, x, s, ts[i])) / s
        if s2 == 0:
            x = run.rec(x + d * (s2 - s))
            break
        sm = mids[i]
        xm = run.rec(x + d * (sm - s))
        d2 = (xm - denoise_k(cfg, xm, sm, flat_ts[2 * i + 1])) / sm
        x = run.rec(x + d2 * (s2 - s))
    return flat_ts, init, run.traj, None


def dpm2_a(cfg, n, x, noise):
    """k-diffusion sample_dpm_2_ancestral; noise is drawn on every model call (diffusers' RNG use)."""
    ab, ts, sig, init = k_schedule(cfg, n)
    sig = np.append(sig, 0.0)
    ups, downs, mids = [], [], []
    for i in range(n):
        s, s2 = sig[i], sig[i + 1]
        up = math.sqrt(s2 ** 2 * (s ** 2 - s2 ** 2) / s ** 2)
        down = math.sqrt(max(s2 ** 2 - up ** 2, 0.0))
        ups.append(up)
        downs.append(down)
        mids.append(math.exp(0.5 * (math.log(s) + math.log(down))) if down > 0 else 0.0)
    flat_ts = [ts[0]]
    for i in range(n - 1):
        flat_ts += [float(np.float32(t_of_sigma(ab, mids[i]))), ts[i + 1]]
    run = Run()
    for i in range(n):
        s = sig[i]
        d = (x - denoise_k(cfg, x, s, ts[i])) / s
        noise()
        if downs[i] == 0:
            x = run.rec(x - d * s)
            break
        sm = mids[i]
        xm = run.rec(x + d * (sm - s))
        d2 = (xm - denoise_k(cfg, xm, sm, flat_ts[2 * i + 1])) / sm
        z = noise()
        x = run.rec(x + d2 * (downs[i] - s) + z * ups[i])
    return flat_ts, init, run.traj, None


# ---------------------------------------------------------------- VP-space solvers (x = alpha*x0 + sigma*eps)

def vp(s):
    a = 1 / math.sqrt(s * s + 1)
    return a, s * a


def x0_vp(cfg, x, s, t):
    a, sg = vp(s)
    out = model(x, t)
    p = cfg["prediction_type"]
    if p == "epsilon":
        return (x - sg * out) / a
    if p == "v_prediction":
        return a * x - sg * out
    return out


def dpmpp_2m(cfg, n, x, noise, begin=0, sde=False):
    """k-diffusion sample_dpmpp_2m / sample_dpmpp_2m_sde (midpoint, eta 1), done in k-space."""
    ab, ts, sig = ms_schedule(cfg, n)
    run = Run()
    old = None
    for i in range(begin, n):
        s, s2 = sig[i], sig[i + 1]
        a, _ = vp(s)
        a2, _ = vp(s2)
        den = x0_vp(cfg, x, s, ts[i])
        xk = x / a
        z = noise() if sde else None
        if s2 == 0:
            xk = den  # every first-order variant lands on the x0 estimate at sigma=0
        else:
            h = math.log(s) - math.log(s2)
            if not sde:
                dd = den
                if old is not None:
                    r = (math.log(sig[i - 1]) - math.log(s)) / h
                    dd = (1 + 1 / (2 * r)) * den - (1 / (2 * r)) * old
                xk = (s2 / s) * xk - math.expm1(-h) * dd
            else:
                xk = (s2 / s) * math.exp(-h) * xk - math.expm1(-2 * h) * den
                if old is not None:
                    r = (math.log(sig[i - 1]) - math.log(s)) / h
                    xk = xk - 0.5 * math.expm1(-2 * h) * (1 / r) * (den - old)
                xk = xk + z * s2 * math.sqrt(-math.expm1(-2 * h))
        old = den
        x = run.rec(xk * a2)
    return [int(t) for t in ts], 1.0, run.traj, lambda x0, e, k: vp(sig[k])[0] * x0 + vp(sig[k])[1] * e


def dpmpp_2m_sde(cfg, n, x, noise, begin=0):
    return dpmpp_2m(cfg, n, x, noise, begin, sde=True)


def dpmpp_sde(cfg, n, x, noise):
    """DPM-Solver++(2S) singlestep: pairs of steps, the first half a first-order probe; ends first order."""
    ab, ts, sig = ms_schedule(cfg, n, spacing=False)
    lam = lambda s: -math.log(s) if s > 0 else math.inf
    run = Run()
    i = 0
    while i < n:
        pair = i + 1 < n - 1
        s, su = sig[i], sig[i + 1]
        a_u, sg_u = vp(su)
        a_s, sg_s = vp(s)
        d_s = x0_vp(cfg, x, s, ts[i])
        h1 = lam(su) - lam(s)
        xu = run.rec((sg_u / sg_s) * x - a_u * math.expm1(-h1) * d_s)
        if not pair:
            x = xu
            i += 1
            continue
        d_u = x0_vp(cfg, xu, su, ts[i + 1])
        st = sig[i + 2]
        a_t, sg_t = vp(st)
        h = lam(st) - lam(s)
        r = h1 / h
        x = run.rec((sg_t / sg_s) * x - a_t * math.expm1(-h) * ((1 - 1 / (2 * r)) * d_s + (1 / (2 * r)) * d_u))
        i += 2
    return [int(t) for t in ts], 1.0, run.traj, None


def unipc(cfg, n, x, noise, begin=0):
    """UniPC (Zhao et al. 2023), data prediction, B(h) = e^{-h} - 1 (bh2), UniP-2 with rho=1/2, UniC."""
    ab, ts, sig = ms_schedule(cfg, n)
    lam = lambda s: -math.log(s) if s > 0 else math.inf

    def phis(h):
        hp1 = math.expm1(-h)
        g2 = (hp1 + h) / (-h)            # phi_2-type term
        g3 = g2 / (-h) - 0.5
        return hp1, hp1, [g2 / hp1, 2 * g3 / hp1]

    def advance(x_s, s, st, m0, m1, s_prev, rho_hist, m_new=None, rho_new=None):
        a_t, sg_t = vp(st)
        _, sg_s = vp(s)
        h = lam(st) - lam(s)
        hp1, B, _ = phis(h)
        y = (sg_t / sg_s) * x_s - a_t * hp1 * m0
        if m1 is not None:
            rk = (lam(s_prev) - lam(s)) / h
            y = y - a_t * B * rho_hist * (m1 - m0) / rk
        if m_new is not None:
            y = y - a_t * B * rho_new * (m_new - m0)
        return y

    run = Run()
    hist = []  # (sigma, x0) newest last
    last_x, last_order = None, 1
    for i in range(begin, n):
        m = x0_vp(cfg, x, sig[i], ts[i])
        if last_x is not None:
            # corrector for the step sigma_{i-1} -> sigma_i, of the order the predictor used
            s_prev = sig[i - 1]
            h = lam(sig[i]) - lam(s_prev)
            _, _, b = phis(h)
            m0 = hist[-1][1]
            if last_order == 1:
                x = advance(last_x, s_prev, sig[i], m0, None, None, 0, m, 0.5)
            else:
                rk = (lam(sig[i - 2]) - lam(s_prev)) / h
                rho = np.linalg.solve(np.array([[1.0, 1.0], [rk, 1.0]]), np.array(b))
                x = advance(last_x, s_prev, sig[i], m0, hist[-2][1], sig[i - 2], rho[0], m, rho[1])
        hist.append((sig[i], m))
        order = min(2, n - i, len(hist))
        last_x, last_order = x, order
        if order == 1:
            x = advance(x, sig[i], sig[i + 1], m, None, None, 0)
        else:
            x = advance(x, sig[i], sig[i + 1], m, hist[-2][1], sig[i - 1], 0.5)
        run.rec(x)
    return [int(t) for t in ts], 1.0, run.traj, lambda x0, e, k: vp(sig[k])[0] * x0 + vp(sig[k])[1] * e


def deis(cfg, n, x, noise):
    """DEIS-AB (log-rho Lagrange interpolation of eps, integrated numerically over rho = sigma/alpha)."""
    ab, ts, sig = ms_schedule(cfg, n, last="sigma_min")
    gx, gw = np.polynomial.legendre.leggauss(40)
    run = Run()
    eps_hist = []
    for i in range(n):
        rs, rt = sig[i], sig[i + 1]
        a_s, sg_s = vp(rs)
        a_t, _ = vp(rt)
        e = (x - a_s * x0_vp(cfg, x, rs, ts[i])) / sg_s
        eps_hist.append(e)
        first = len(eps_hist) == 1 or (i == n - 1 and n < 15)
        rho = 0.5 * (rt - rs) * gx + 0.5 * (rt + rs)
        w = 0.5 * (rt - rs) * gw
        if first:
            integ = (rt - rs) * e
        else:
            r0, r1 = rs, sig[i - 1]
            l0 = (np.log(rho) - math.log(r1)) / (math.log(r0) - math.log(r1))
            l1 = (np.log(rho) - math.log(r0)) / (math.log(r1) - math.log(r0))
            integ = np.sum(w * l0) * e + np.sum(w * l1) * eps_hist[-2]
        x = run.rec(a_t * (x / a_s + integ))
    return [int(t) for t in ts], 1.0, run.traj, None


# ---------------------------------------------------------------- alpha-bar samplers

def eps_x0(cfg, x, out, a):
    p = cfg["prediction_type"]
    if p == "epsilon":
        x0 = (x - math.sqrt(1 - a) * out) / math.sqrt(a)
        e = out
    elif p == "v_prediction":
        x0 = math.sqrt(a) * x - math.sqrt(1 - a) * out
        e = math.sqrt(a) * out + math.sqrt(1 - a) * x
    else:
        x0 = out
        e = (x - math.sqrt(a) * x0) / math.sqrt(1 - a)
    return x0, e


def ddim(cfg, n, x, noise, begin=0):
    ab = alpha_bar(cfg)
    ts = spaced(cfg, n, "int").astype(int)
    final = 1.0 if cfg.get("set_alpha_to_one", True) else ab[0]
    clip = cfg.get("clip_sample", True)
    run = Run()
    for t in ts[begin:]:
        tp = t - cfg["num_train_timesteps"] // n
        a, ap = ab[t], (ab[tp] if tp >= 0 else final)
        x0, e = eps_x0(cfg, x, model(x, t), a)
        if clip:
            x0 = np.clip(x0, -1, 1)
        x = run.rec(math.sqrt(ap) * x0 + math.sqrt(1 - ap) * e)
    return [int(t) for t in ts], 1.0, run.traj, lambda x0, z, k: math.sqrt(ab[ts[k]]) * x0 + math.sqrt(1 - ab[ts[k]]) * z


def ddpm(cfg, n, x, noise, begin=0):
    """Ancestral DDPM over a strided schedule: posterior q(x_prev | x_t, x0) with beta-tilde variance."""
    ab = alpha_bar(cfg)
    ts = spaced(cfg, n, "int").astype(int)
    clip = cfg.get("clip_sample", True)
    run = Run()
    for k in range(begin, n):
        t = ts[k]
        ap = ab[ts[k + 1]] if k + 1 < n else 1.0
        a = ab[t]
        beta = 1 - a / ap
        x0, _ = eps_x0(cfg, x, model(x, t), a)
        if clip:
            x0 = np.clip(x0, -1, 1)
        mean = math.sqrt(ap) * beta / (1 - a) * x0 + math.sqrt(1 - beta) * (1 - ap) / (1 - a) * x
        if t > 0:
            var = max((1 - ap) / (1 - a) * beta, 1e-20)
            mean = mean + math.sqrt(var) * noise()
        x = run.rec(mean)
    return [int(t) for t in ts], 1.0, run.traj, lambda x0, z, k: math.sqrt(ab[ts[k]]) * x0 + math.sqrt(1 - ab[ts[k]]) * z


def pndm(cfg, n, x, noise):
    """PNDM (Liu et al. 2022): transfer phi(x, eps, t -> t'); PRK warm-up (or the pseudo-improved-Euler
    start when skip_prk_steps) then linear multistep on eps."""
    ab = alpha_bar(cfg)
    N = cfg["num_train_timesteps"]
    d = N // n
    grid = spaced(cfg, n, "int").astype(int)  # descending
    final = 1.0 if cfg.get("set_alpha_to_one", False) else ab[0]

    def phi(x, e, t, tp):
        a, ap = ab[t], (ab[tp] if tp >= 0 else final)
        if cfg["prediction_type"] == "v_prediction":
            e = math.sqrt(a) * e + math.sqrt(1 - a) * x
        return math.sqrt(ap / a) * x - (ap - a) / (a * math.sqrt(1 - ap) + math.sqrt(a * (1 - a) * ap)) * e

    calls = []
    run = Run()

    def eps(x, t):
        calls.append(int(t))
        return model(x, t)

    ets = []
    if cfg.get("skip_prk_steps", False):
        t0 = grid[0]
        e0 = eps(x, t0)
        x1 = run.rec(phi(x, e0, t0, t0 - d))
        e1 = eps(x1, t0 - d)
        x = run.rec(phi(x, (e0 + e1) / 2, t0, t0 - d))
        ets = [e0]
        rest = grid[1:]
    else:
        for t in grid[:3]:
            h = d // 2
            e1 = eps(x, t)
            ets.append(e1)
            xa = run.rec(phi(x, e1, t, t - h))
            e2 = eps(xa, t - h)
            xb = run.rec(phi(x, e2, t, t - h))
            e3 = eps(xb, t - h)
            xc = run.rec(phi(x, e3, t, t - d))
            e4 = eps(xc, t - d)
            x = run.rec(phi(x, (e1 + 2 * e2 + 2 * e3 + e4) / 6, t, t - d))
        rest = grid[3:]
    for t in rest:
        ets = (ets + [eps(x, t)])[-4:]
        k = len(ets)
        if k == 2:
            e = (3 * ets[-1] - ets[-2]) / 2
        elif k == 3:
            e = (23 * ets[-1] - 16 * ets[-2] + 5 * ets[-3]) / 12
        else:
            e = (55 * ets[-1] - 59 * ets[-2] + 37 * ets[-3] - 9 * ets[-4]) / 24
        x = run.rec(phi(x, e, t, t - d))
    return calls, 1.0, run.traj, None


def lcm(cfg, n, x, noise, begin=0):
    """Latent Consistency Model multistep sampling (Luo et al. 2023), diffusers' discrete scalings."""
    ab = alpha_bar(cfg)
    N = cfg["num_train_timesteps"]
    orig = cfg.get("original_inference_steps", 50)
    grid = (np.arange(1, orig + 1) * (N // orig) - 1)[::-1]
    ts = grid[np.floor(np.linspace(0, orig, n, endpoint=False)).astype(int)]
    final = 1.0 if cfg.get("set_alpha_to_one", True) else ab[0]
    run = Run()
    for k in range(begin, n):
        t = ts[k]
        a = ab[t]
        x0, _ = eps_x0(cfg, x, model(x, t), a)
        ct = 10.0 * t
        c_skip = 0.25 / (ct ** 2 + 0.25)
        c_out = ct / math.sqrt(ct ** 2 + 0.25)
        den = c_out * x0 + c_skip * x
        if k == n - 1:
            x = run.rec(den)
        else:
            ap = ab[ts[k + 1]] if ts[k + 1] >= 0 else final
            x = run.rec(math.sqrt(ap) * den + math.sqrt(1 - ap) * noise())
    return [int(t) for t in ts], 1.0, run.traj, lambda x0, z, k: math.sqrt(ab[ts[k]]) * x0 + math.sqrt(1 - ab[ts[k]]) * z


# ---------------------------------------------------------------- fixtures

SD15 = dict(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", prediction_type="epsilon",
            timestep_spacing="leading", steps_offset=1, set_alpha_to_one=False, skip_prk_steps=True, clip_sample=False)
VPRED = dict(SD15, prediction_type="v_prediction", timestep_spacing="trailing", steps_offset=0)
KARRAS = dict(SD15, use_karras_sigmas=True)
ZSNR = dict(VPRED, rescale_betas_zero_snr=True)
COSINE = dict(beta_schedule="squaredcos_cap_v2", timestep_spacing="linspace", clip_sample=False)
DEFAULTS = {}

# variant -> (diffusers class, fn, class defaults that differ from defaults(), configs, img2img?, options)
K_DEF = dict(beta_start=0.00085, beta_end=0.012)
LCM_DEF = dict(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", timestep_spacing="leading")
INT_DEF = dict(timestep_spacing="leading")
VARIANTS = {
    "euler": ("EulerDiscreteScheduler", euler, {}, ["sd15", "vpred", "zsnr", "karras", "cosine"], True, {}),
    "euler_a": ("EulerAncestralDiscreteScheduler", euler_a, {}, ["sd15", "vpred", "zsnr", "cosine"], True, {}),
    "lms": ("LMSDiscreteScheduler", lms, {}, ["sd15", "vpred", "karras", "cosine"], True, {}),
    "heun": ("HeunDiscreteScheduler", heun, K_DEF, ["sd15", "vpred", "karras", "cosine"], True, {}),
    "kdpm2": ("KDPM2DiscreteScheduler", dpm2, K_DEF, ["sd15", "vpred", "karras", "cosine"], False, {}),
    "kdpm2_a": ("KDPM2AncestralDiscreteScheduler", dpm2_a, K_DEF, ["sd15", "vpred", "karras", "cosine"], False, {}),
    "dpmpp_2m": ("DPMSolverMultistepScheduler", dpmpp_2m, {}, ["sd15", "vpred", "zsnr", "karras", "cosine"], True, {}),
    "dpmpp_2m_sde": ("DPMSolverMultistepScheduler", dpmpp_2m_sde, {}, ["sd15", "vpred", "karras", "cosine"], True,
                     {"algorithm_type": "sde-dpmsolver++"}),
    "dpmpp_sde": ("DPMSolverSinglestepScheduler", dpmpp_sde, {}, ["sd15", "vpred", "karras", "cosine"], False, {}),
    "unipc": ("UniPCMultistepScheduler", unipc, {}, ["sd15", "vpred", "zsnr", "karras", "cosine"], True, {}),
    "deis": ("DEISMultistepScheduler", deis, {}, ["sd15", "vpred", "karras", "cosine"], False, {}),
    "ddim": ("DDIMScheduler", ddim, INT_DEF, ["sd15", "vpred", "zsnr", "cosine", "defaults"], True, {}),
    "ddpm": ("DDPMScheduler", ddpm, INT_DEF, ["sd15", "vpred", "zsnr", "cosine", "defaults"], True, {}),
    "pndm": ("PNDMScheduler", pndm, INT_DEF, ["sd15", "vpred", "cosine", "defaults"], False, {}),
    "lcm": ("LCMScheduler", lcm, LCM_DEF, ["sd15", "vpred", "defaults"], True, {}),
}
CONFIGS = {"sd15": SD15, "vpred": VPRED, "zsnr": ZSNR, "karras": KARRAS, "cosine": COSINE, "defaults": DEFAULTS}


def arr(a):
    return [float(f"{v:.7g}") for v in np.asarray(a, dtype=np.float64).ravel()]


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(1234)
    x_T = r7(rng.standard_normal(SIZE))
    image = r7(np.tanh(rng.standard_normal(SIZE)))
    image_noise = r7(rng.standard_normal(SIZE))
    for seed, (variant, (cls, fn, cls_def, cfg_names, img2img, options)) in enumerate(sorted(VARIANTS.items())):
        cases = []
        for cname in cfg_names:
            config = dict(CONFIGS[cname])
            config.update(options)
            if variant == "pndm" and cname == "cosine":
                # diffusers' PNDM steps by N//n whatever the spacing, which only matches a
                # leading/trailing grid; with linspace it is self-inconsistent, so test cosine betas on leading.
                config["timestep_spacing"] = "leading"
            cfg = defaults(**cls_def)
            cfg.update({k: v for k, v in config.items()})
            for steps in (10, 25):
                noise = Noise(1000 * seed + steps)
                x = x_T * k_init(fn, cfg, steps)
                ts, init, traj, add = fn(cfg, steps, x, noise)
                cases.append(dict(config_name=cname, config=config, steps=steps, begin_index=None,
                                  timesteps=[float(t) for t in ts], init_noise_sigma=float(init),
                                  noise=[arr(z) for z in noise.used], trajectory=[arr(t) for t in traj]))
            if img2img and cname == "sd15":
                steps = 10
                order = 2 if variant == "heun" else 1
                begin = 4 * order
                noise = Noise(1000 * seed + 7)
                ts, init, _, add = fn(cfg, steps, x_T, Noise(0))
                start = r7(add(image, image_noise, begin))
                _, _, traj, _ = fn(cfg, steps, start, noise, begin)
                cases.append(dict(config_name=cname, config=config, steps=steps, begin_index=begin,
                                  timesteps=[float(t) for t in ts], init_noise_sigma=float(init), start=arr(start),
                                  noise=[arr(z) for z in noise.used], trajectory=[arr(t) for t in traj]))
        doc = dict(variant=variant, scheduler=cls, shape=SHAPE,
                   model="out[i] = 0.25*x[i] + 0.1*sin(0.013*t + 0.37*i)",
                   x_T=arr(x_T), image=arr(image), image_noise=arr(image_noise), cases=cases)
        with open(os.path.join(OUT, f"{variant}.json"), "w") as f:
            json.dump(doc, f, separators=(",", ":"))
        print(variant, len(cases), "cases")


def k_init(fn, cfg, steps):
    if fn in (euler, euler_a, lms, heun, dpm2, dpm2_a):
        return k_schedule(cfg, steps)[3]
    return 1.0


if __name__ == "__main__":
    main()
