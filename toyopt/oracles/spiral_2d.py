"""Expected values of the `spiral_2d` checks (instructor side; see `toyopt.oracles`).

The visible checks compare each returned point with its *ideal* point, the
noise-free spiral of the contract. The ideal points are computed here, for the
fixed sizes the checks use, from the reference's constants; the checks read
them as data (`toyopt_check.checks.expect.expected("spiral_2d")`) and never compute
the curve themselves (that would hand out the answer).
"""

from __future__ import annotations

import math

import numpy as np

from toyopt_check.checks.expect import drawn_producer, producer

#: Sizes whose ideal points the checks need (see `toyopt_check.checks.spiral_2d`).
LAYOUT_SIZES = (0, 1, 2, 3, 4, 5, 7, 10, 11, 16, 33, 64, 101, 250)
BOX_SIZES = (2, 3, 4, 10, 37, 64, 101, 250, 400, 1000)
#: One large call for the noise statistics (8,000 points: 16,000 noise values).
DISTRIBUTION = {"num_points": 8000, "seed": 4242}
#: The vectorisation check's timed sizes; only `rows` of the large call are
#: compared with the curve (a forged quick answer must still be the spiral).
TIMING = {"small": 2000, "large": 60000, "rows": 64}
#: Digits kept: rounding moves an ideal point by <= 5e-10, far below the checks' atol.
DIGITS = 9


def ideal_points(half: int) -> np.ndarray:
    """The contract's noise-free spiral, shape ``(2 * half, 2)``, float64."""
    from toyopt_ref.data import SPIRAL_RADIUS, SPIRAL_TURNS

    if half == 0:
        return np.zeros((0, 2))
    i = np.arange(half, dtype=np.float64)
    r = SPIRAL_RADIUS * i / half
    t = SPIRAL_TURNS * 2 * math.pi * i / half
    rows = [np.stack([r * np.sin(t + c * math.pi), r * np.cos(t + c * math.pi)], axis=1) for c in (0, 1)]
    return np.concatenate(rows)


def _rounded(points: np.ndarray) -> list:
    return np.round(points, DIGITS).tolist()


@producer("spiral_2d")
def expectations() -> dict:
    from toyopt_ref.data import SPIRAL_NOISE

    sizes = sorted(set(BOX_SIZES) | {DISTRIBUTION["num_points"]})
    large = TIMING["large"]
    half = large // 2
    rows = np.unique(np.linspace(0, 2 * half - 1, TIMING["rows"]).round().astype(int))
    return {
        "noise": SPIRAL_NOISE,
        "layout_sizes": list(LAYOUT_SIZES),
        "box_sizes": list(BOX_SIZES),
        "distribution": dict(DISTRIBUTION),
        "ideal": {str(n): _rounded(ideal_points(n // 2)) for n in sizes},
        "timing": {"small": TIMING["small"], "large": large, "rows": rows.tolist(),
                   "ideal_rows": _rounded(ideal_points(half)[rows])},
    }


#: Ranges the grading seed draws from (`drawn_expectations`): the timed sizes
#: (the kit's fixed ones lie inside, so its self-check measures the same work)
#: and one more size for the noise box and the layout.
DRAWN_SMALL = (1000, 3000)
DRAWN_LARGE = (40000, 80000)
DRAWN_BOX = (102, 2000)


@drawn_producer("spiral_2d")
def drawn_expectations(seed: int) -> dict:
    """The inputs the visible checks add at grading, drawn from `seed`, with the
    ideal points of every size (whole outputs: arrays, not rounded)."""
    rng = np.random.default_rng([int(seed), 2])
    small = int(rng.integers(*DRAWN_SMALL, endpoint=True))
    large = int(rng.integers(*DRAWN_LARGE, endpoint=True))
    box = int(rng.integers(*DRAWN_BOX, endpoint=True))
    return {
        "timing": {"small": small, "large": large,
                   "seeds": [int(s) for s in rng.integers(0, 2**31 - 1, 64)],
                   "ideal": {small: ideal_points(small // 2), large: ideal_points(large // 2)}},
        "box": {"num_points": box, "seed": int(rng.integers(0, 2**31 - 1)),
                "ideal": ideal_points(box // 2)},
    }
