"""The seeded generator shared with the TypeScript tests (runtime/tune/overfitting.test.ts).

mulberry32 (Tommy Ettinger's 32-bit generator, as commonly written in JavaScript with Math.imul):
only 32-bit integer arithmetic and one exact division by 2^32, so Python and V8 produce the same
doubles bit for bit. A matrix column j is r[t] = (u - 0.5) * scale + drift[j], the uniforms drawn
row by row (t outer, j inner).
"""

M = 0xFFFFFFFF


def _imul(a, b):
    return (a * b) & M


def mulberry32(seed):
    state = seed & M

    def next_uniform():
        nonlocal state
        state = (state + 0x6D2B79F5) & M
        t = _imul(state ^ (state >> 15), 1 | state)
        t = ((t + _imul(t ^ (t >> 7), 61 | t)) & M) ^ t
        return ((t ^ (t >> 14)) & M) / 4294967296.0

    return next_uniform


def matrix(seed, rows, drifts, scale=0.02):
    """rows x len(drifts) list of lists, row-major."""
    u = mulberry32(seed)
    return [[(u() - 0.5) * scale + d for d in drifts] for _ in range(rows)]
