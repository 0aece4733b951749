"""Checks of `data.spiral_2d` (25 points), from the contract in
`toyopt_ref.data.spiral_2d`'s docstring.

The reference is never compared bit for bit: a correct spiral may draw its
noise in any order. Instead each point is compared with its *ideal* point on
the curve (the noise box), the pooled noise is tested for uniformity and
independence, and vectorisation is judged by how the executed Python work
grows with `num_points`.

Statistics (check ``spiral_2d.noise_distribution``): one Kolmogorov-Smirnov
test of the pooled residuals against U(-0.1, 0.1) and three correlation tests
(x vs y noise of each point, each point vs the next in its class, class 0 vs
class 1 at the same index), each at alpha = 2.5e-7 (Bonferroni), so a correct
solution fails it with probability <= 1e-6 per grading run (the sample is
seeded, so a given submission always gets the same verdict).
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import Verbosity, given, settings, strategies as st

#: The spiral's geometry as the exercise's docstring states it (the same
#: constants as ``exercises/data.py``; tests/test_kit_hunt.py holds them to the
#: reference's). The student kit ships this module, so it cannot import the reference.
SPIRAL_RADIUS, SPIRAL_TURNS, SPIRAL_NOISE = 5.0, 1.75, 0.1

from .core import GRADING, CheckFailure, StudentException, check

EX = "spiral_2d"

#: Slack on the noise box. The ideal point may be computed in another order
#: than the student's (e.g. ``3.5 * pi * i / h`` vs ``1.75 * 2 * pi * i / h``):
#: float64 rounding of ``r * sin(t)`` with ``r <= 5`` is ~1e-15, and any real
#: geometric bug moves points by far more than 1e-9.
BOX_ATOL = 1e-9

#: False-alarm rate of the whole distribution check, split over its tests.
ALPHA = 1e-6
DIST_TESTS = 4

#: Sizes for the vectorisation check and the growth it tolerates. A loop over
#: the points adds >= 1 Python event (call or line) per point, i.e. >= 19,800
#: here (the tutorial's loop adds ~7); a vectorised solution adds none. The
#: limit, 0.05 events per extra point (990), sits far from both.
WORK_SIZES = (200, 20000)
WORK_GROWTH_PER_POINT = 0.05

QUIET = settings(GRADING, verbosity=Verbosity.quiet, report_multiple_bugs=False)


class _Falsified(Exception):
    """Raised inside a Hypothesis property; carries the student message."""


# --------------------------------------------------------------- helpers


def ideal_points(half: int) -> np.ndarray:
    """The noise-free spiral of the contract, shape ``(2 * half, 2)``."""
    if half == 0:
        return np.zeros((0, 2))
    i = np.arange(half, dtype=np.float64)
    r = SPIRAL_RADIUS * i / half
    t = SPIRAL_TURNS * 2 * math.pi * i / half
    rows = [np.stack([r * np.sin(t + c * math.pi), r * np.cos(t + c * math.pi)], axis=1) for c in (0, 1)]
    return np.concatenate(rows)


def _call(target, n, seed):
    try:
        return target.probe("spiral_2d.call", num_points=n, seed=seed)
    except StudentException as exc:
        raise CheckFailure(f"spiral_2d({n!r}) raised {exc.message}") from None


def _short(arr, limit=8):
    arr = np.asarray(arr)
    text = np.array2string(arr[:limit], precision=4, separator=" ", threshold=limit)
    return text if len(arr) <= limit else text[:-1] + " ...]"


def layout_problem(n: int, out: dict) -> str | None:
    """What is wrong with the shapes, dtypes or label order of one call."""
    call = f"spiral_2d({n})"
    half = n // 2
    if out.get("length") != 2:
        return f"{call}: expected a pair (points, labels), got {out.get('returned_type')}"
    for name, kinds, what in (("points", "f", "a float dtype (float64)"),
                              ("labels", "iu", "an integer dtype (int64)")):
        if not out.get(f"{name}_is_ndarray"):
            return f"{call}: {name} should be a NumPy array, got {out.get(f'{name}_type')}"
        dtype = out.get(f"{name}_dtype")
        if out.get(name) is None or np.dtype(dtype).kind not in kinds:
            return f"{call}: {name} should have {what}, got {dtype}"
    expected = {"points": [2 * half, 2], "labels": [2 * half]}
    for name, shape in expected.items():
        got = out.get(f"{name}_shape")
        if list(got) != shape:
            why = " (fewer than 2 points: empty arrays)" if half == 0 else f" (2 * ({n} // 2) points)"
            return f"{call}: expected {name} of shape {tuple(shape)}{why}, got {tuple(got)}"
    points, labels = np.asarray(out["points"]), np.asarray(out["labels"])
    if points.shape != (2 * half, 2) or labels.shape != (2 * half,):  # forged shape fields
        return f"{call}: the arrays do not have the shapes they report"
    want = np.repeat([0, 1], half)
    if not np.array_equal(labels, want):
        return (f"{call}: expected {half} labels 0 then {half} labels 1 (label-0 rows first), "
                f"got {_short(labels, 12)}")
    if not np.all(np.isfinite(points)):
        return f"{call}: points contain NaN or infinity"
    return None


def _checked(target, n, seed):
    out = _call(target, n, seed)
    problem = layout_problem(n, out)
    if problem:
        raise _Falsified(problem)
    return np.asarray(out["points"], dtype=np.float64)


def box_problem(n: int, points: np.ndarray) -> str | None:
    """The first point farther than the noise from its ideal point, described."""
    half = n // 2
    residual = points - ideal_points(half)
    bad = np.abs(residual) > SPIRAL_NOISE + BOX_ATOL
    if not bad.any():
        return None
    row = int(np.argwhere(bad.any(axis=1))[0, 0])
    label, i = divmod(row, half)
    ideal = ideal_points(half)[row]
    return (f"spiral_2d({n}): point {row} (label {label}, index {i} of its class) is "
            f"({points[row, 0]:.4f}, {points[row, 1]:.4f}); expected within {SPIRAL_NOISE} of "
            f"({ideal[0]:.4f}, {ideal[1]:.4f}) in each coordinate "
            f"(r = 5 * i / h, t = 1.75 * 2 * pi * i / h + label * pi, h = {half}), "
            f"off by ({residual[row, 0]:+.4f}, {residual[row, 1]:+.4f})")


def _falsify(prop, fixed, check_one):
    """Run `check_one(n)` on the `fixed` sizes (smallest first), then on
    Hypothesis-drawn ones; raise `CheckFailure` with the first failing fixed
    size's message, or Hypothesis's shrunk (smallest) failing size's."""
    for n in fixed:
        try:
            check_one(n)
        except _Falsified as exc:
            raise CheckFailure(str(exc)) from None
    try:
        given(prop)(QUIET(check_one))()
    except _Falsified as exc:
        raise CheckFailure(str(exc)) from None


# ------------------------------------------------------------ statistics


def kolmogorov_sf(x: float) -> float:
    """P(K > x) for the Kolmogorov distribution (the limit law of
    sqrt(n) * D_n): ``2 * sum_{k>=1} (-1)^(k-1) exp(-2 k^2 x^2)``."""
    if x <= 0.2:  # the series converges slowly there; the value is 1 - 1e-11
        return 1.0
    total = 0.0
    for k in range(1, 101):
        term = math.exp(-2.0 * k * k * x * x)
        total += term if k % 2 else -term
        if term < 1e-300:
            break
    return min(1.0, max(0.0, 2.0 * total))


def ks_uniform(sample: np.ndarray, low: float, high: float) -> tuple[float, float]:
    """One-sample KS test against U(low, high): ``(D, p)``, p asymptotic with
    Stephens' finite-n correction (exact to ~1e-3 relative for n >= 100)."""
    # The uniform CDF: 0 below `low`, 1 above `high` (values outside count fully).
    u = np.sort(np.clip((np.asarray(sample, dtype=np.float64).ravel() - low) / (high - low), 0.0, 1.0))
    n = len(u)
    ranks = np.arange(1, n + 1)
    d = float(max(np.max(ranks / n - u), np.max(u - (ranks - 1) / n)))
    root = math.sqrt(n)
    return d, kolmogorov_sf((root + 0.12 + 0.11 / root) * d)


def correlation_test(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Pearson r and its two-sided p-value under independence, from
    ``sqrt(n) * r ~ N(0, 1)`` (CLT; n is >= 10,000 here)."""
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    if a.std() == 0 or b.std() == 0:
        return float("nan"), 0.0
    r = float(np.corrcoef(a, b)[0, 1])
    return r, math.erfc(abs(r) * math.sqrt(len(a)) / math.sqrt(2))


# ------------------------------------------------------------------ checks


@check(EX, "layout", 4, "layout: shapes 2 * (n // 2), float points, integer labels, label 0 first")
def check_layout(target):
    def one(n):
        _checked(target, n, seed=1000 + n)

    _falsify(st.integers(0, 300), (0, 1, 2, 3, 7, 10), one)


@check(EX, "noise_box", 4, "every point lies within 0.1 (per coordinate) of its point on the spiral")
def check_noise_box(target):
    def one(n):
        problem = box_problem(n, _checked(target, n, seed=2000 + n))
        if problem:
            raise _Falsified(problem)

    _falsify(st.integers(2, 400), (2, 3, 10, 1000), one)


@check(EX, "noise_distribution", 5,
       "noise: uniform on [-0.1, 0.1], independent per coordinate and per point (alpha = 1e-6)")
def check_noise_distribution(target):
    n, seed = 20000, 4242
    try:
        points = _checked(target, n, seed)
    except _Falsified as exc:
        raise CheckFailure(str(exc)) from None
    half = n // 2
    res = points - ideal_points(half)
    per_test = ALPHA / DIST_TESTS
    call = f"np.random.seed({seed}); spiral_2d({n})"
    d, p = ks_uniform(res, -SPIRAL_NOISE, SPIRAL_NOISE)
    if not p >= per_test:
        lo, hi = float(res.min()), float(res.max())
        raise CheckFailure(
            f"{call}: the noise (point minus its ideal spiral point) should be uniform on "
            f"[-0.1, 0.1]; a Kolmogorov-Smirnov test rejects that (D = {d:.4f}, p = {p:.1e}); "
            f"the noise ranges over [{lo:.4f}, {hi:.4f}] with mean {res.mean():+.4f} and standard "
            f"deviation {res.std():.4f} (uniform: mean 0, deviation {0.2 / math.sqrt(12):.4f})")
    pairs = (
        ("the x noise and the y noise of the same point", res[:, 0], res[:, 1]),
        ("the noise of each point and of the next point of its class",
         np.concatenate([res[:half - 1], res[half:-1]]), np.concatenate([res[1:half], res[half + 1:]])),
        ("the noise of point i of class 0 and of point i of class 1", res[:half], res[half:]),
    )
    for what, a, b in pairs:
        r, p = correlation_test(a, b)
        if not p >= per_test:
            raise CheckFailure(
                f"{call}: {what} should be independent draws, but their correlation is "
                f"{r:+.3f} (p = {p:.1e}): draw fresh noise for every coordinate of every point")


@check(EX, "reproducible", 2, "randomness from np.random: same seed same output, other seed other output")
def check_reproducible(target):
    n = 50
    outs = {}
    for seed in (7, 7, 8):
        out = _call(target, n, seed)
        problem = layout_problem(n, out)
        if problem:
            raise CheckFailure(problem)
        outs.setdefault(seed, []).append(np.asarray(out["points"]))
    first, again = outs[7]
    # Same code, same seed: the output must be bit-identical, so == is right here.
    if not np.array_equal(first, again):
        row = int(np.argwhere((first != again).any(axis=1))[0, 0])
        raise CheckFailure(
            f"spiral_2d({n}): two calls after np.random.seed(7) differ (point {row}: "
            f"{first[row].round(4).tolist()} vs {again[row].round(4).tolist()}); draw the noise "
            "from np.random (the global state), not from an unseeded generator")
    if np.array_equal(first, outs[8][0]):
        raise CheckFailure(
            f"spiral_2d({n}): np.random.seed(7) and np.random.seed(8) give the same points; the "
            "noise must come from np.random's global state (no fixed seed or generator inside)")


@check(EX, "vectorised", 5, "vectorised: the Python work does not grow with num_points")
def check_vectorised(target):
    try:
        out = target.probe("spiral_2d.work_counts", sizes=list(WORK_SIZES), seed=99)
    except StudentException as exc:
        raise CheckFailure(f"spiral_2d({WORK_SIZES[0]}) or spiral_2d({WORK_SIZES[1]}) raised {exc.message}") from None
    small, large = WORK_SIZES
    events = [int(c) + int(l) for c, l in zip(out["calls"], out["lines"])]
    growth = events[1] - events[0]
    if growth > WORK_GROWTH_PER_POINT * (large - small):
        busiest = out["busiest_lines"][1][:1]
        where = (f"; busiest: {busiest[0][0]} line {busiest[0][1]} ran {busiest[0][2]} times"
                 if busiest else "")
        raise CheckFailure(
            f"spiral_2d is not vectorised: it executed {events[0]} Python calls/lines for "
            f"num_points={small} but {events[1]} for num_points={large}{where}. A vectorised "
            "version runs the same Python code whatever the size: build the angles, radii and "
            "noise as whole arrays (np.arange, np.random.uniform(..., size)); a loop over the two "
            "classes is fine, a loop (or comprehension, map, np.vectorize) over the points is not")


@check(EX, "bad_input", 2, "rejects num_points that is not a non-negative integer")
def check_bad_input(target):
    for bad in (-1, 2.5, "10"):
        try:
            out = target.probe("spiral_2d.raises", num_points=bad)
        except StudentException as exc:  # pragma: no cover  (the probe reports exceptions)
            raise CheckFailure(f"spiral_2d({bad!r}) raised {exc.message}") from None
        raised = out.get("raised")
        if raised is None:
            raise CheckFailure(
                f"spiral_2d({bad!r}): expected a ValueError (num_points must be a non-negative "
                f"integer), but it returned a {out.get('returned_type')}")
        if "ValueError" not in raised and "TypeError" not in raised:
            raise CheckFailure(
                f"spiral_2d({bad!r}): expected a ValueError or TypeError, got {out.get('message')}")
