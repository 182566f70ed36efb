#!/usr/bin/python3
"""Independent re-implementation of Easel's seeded normal stream (src/random/philox.ts) in
plain Python integers, to check the TS values pinned in src/random/philox.test.ts:

    python3 packages/engine-diffusion/reference/random/philox_normals.py 0 6
"""
import math
import sys

M0, M1, W0, W1, MASK = 0xD2511F53, 0xCD9E8D57, 0x9E3779B9, 0xBB67AE85, 0xFFFFFFFF


def philox4x32_10(ctr, key):
    c0, c1, c2, c3 = ctr
    k0, k1 = key
    for r in range(10):
        if r:
            k0, k1 = (k0 + W0) & MASK, (k1 + W1) & MASK
        p0, p1 = M0 * c0, M1 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0), p1 & MASK, ((p0 >> 32) ^ c3 ^ k1), p0 & MASK
    return c0, c1, c2, c3


def normals(seed, n):
    key = (seed % 2 ** 32, seed // 2 ** 32)
    out, block = [], 0
    while len(out) < n:
        x = philox4x32_10((block % 2 ** 32, block // 2 ** 32, 0, 0), key)
        block += 1
        u = [(v + 0.5) / 2 ** 32 for v in x]
        r0, r1 = math.sqrt(-2 * math.log(u[0])), math.sqrt(-2 * math.log(u[2]))
        out += [r0 * math.cos(2 * math.pi * u[1]), r0 * math.sin(2 * math.pi * u[1]),
                r1 * math.cos(2 * math.pi * u[3]), r1 * math.sin(2 * math.pi * u[3])]
    return out[:n]


if __name__ == "__main__":
    assert philox4x32_10((0, 0, 0, 0), (0, 0)) == (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)
    seed, n = (int(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (0, 6)
    print(" ".join(f"{v:.6f}" for v in normals(seed, n)))
