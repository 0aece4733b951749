"""Checks of `data.spiral_2d` (25 points), from the contract in
`toyopt_ref.data.spiral_2d`'s docstring (each check's `clause` quotes it).

Expected values are data (`expected("spiral_2d")`, produced by
`toyopt.oracles.spiral_2d`): the ideal (noise-free) points for a fixed list of
sizes. Nothing here computes the curve: the kit ships these checks.

The reference is never compared bit for bit: a correct spiral may draw its
noise in any order. Instead each point is compared with its *ideal* point (the
noise box), the pooled noise is tested for uniformity and independence, and
vectorisation is judged in this process, from the submitted source's syntax
tree (`toyopt_check.checks.loops`) and from call timings taken around the probe call
(never inside the worker).

Statistics (check ``spiral_2d.noise_distribution``): one Kolmogorov-Smirnov
test of the pooled residuals against U(-0.1, 0.1) and three correlation tests
(x vs y noise of each point, each point vs the next in its class, class 0 vs
class 1 at the same index), each at alpha = 2.5e-7 (Bonferroni), so a correct
solution fails it with probability <= 1e-6 per grading run (the sample is
seeded, so a given submission always gets the same verdict).

Forgeable facts (for the threat model; everything else is judged from values
the trusted side checks against the contract):

* ``vectorised`` reads the source text through a probe: a submission can send
  other text. It must then also pass the timing half: its large call, timed
  here around the probe round trip, must return the correct spiral at a
  per-point cost within `TIME_RATIO` (5x) of a NumPy yardstick;
  the loops of the corpus cost 4-108x. A loop hidden from the syntax tree (in
  another module of the submission, behind ``getattr``) and cheaper than 5x
  is not caught: writing one that
  forges the source text, returns the exact spiral and stays that fast is
  more work than vectorising the six lines it replaces. The clock is read
  only when this process's yardstick ran steadily (`STEADY`): on a loaded
  machine the timing is inconclusive and only the syntax tree decides, so a
  hidden loop also passes there (and one that loads the machine itself).
* the timing's second yardstick runs where the submission runs: code there
  that slows NumPy down while it runs makes the submission's own calls look
  cheap. It still needs the forged source and the hidden loop above.
* ``bad_input`` reads the exception's class names from the probe: faking a
  ``ValueError`` report is harder than raising one.
"""

from __future__ import annotations

import math
import time

import numpy as np

from ..inside.probes.spiral_2d import yardstick_points
from ..inside.runtime import StudentCodeError
from .core import CheckFailure, check
from .expect import expected
from .loops import SourceUnavailable, find_loops

EX = "spiral_2d"

#: Slack on the noise box, from float32 arithmetic: a correct spiral computed
#: in float32 (then returned as float64) rounds t <= 3.5 pi ~ 11 to within a
#: few ulps (ulp(11) = 9.5e-7 in float32, ~4 roundings: 2e-6), which moves
#: r * sin(t) (r <= 5) by <= 1e-5, plus <= 3e-7 from rounding the point
#: itself; 5e-5 covers that with margin. The smallest geometric bug in the
#: corpus (radius off by one: 5 / h, h <= 1000) moves points by >= 5e-3.
BOX_ATOL = 5e-5

#: The layout check's test that the points are the spiral's at all (not another
#: dataset's points of the same shapes): the median, over the points of a call,
#: of a point's largest coordinate distance from its ideal point must stay
#: below this. A correct spiral's is <= the noise, 0.1 (every point is within
#: it). Measured here on the sizes it is applied to (64, 101, 250): circular_2d,
#: linear_2d and random_2d >= 1.83 (50 seeds); the corpus' spiral mutants
#: 0.0-0.72 for noise and index bugs (judged by the noise box, not here),
#: 1.08-4.3 for wrong curves (radius over 2h, turns, sin and cos swapped,
#: arms swapped or interleaved), which are not the spiral either.
FOLLOW_TOL = 1.0
#: the smallest size the test is applied to: at 10 points a radius off by one
#: already moves half the points by 0.94
FOLLOW_MIN_SIZE = 64

#: False-alarm rate of the whole distribution check, split over its tests.
ALPHA = 1e-6
DIST_TESTS = 4

#: Vectorisation by timing: the per-point cost of the student's call (timed
#: around the probe call, min of `TIME_REPEATS`, large minus small size) may be
#: at most this many times the per-point cost of a NumPy yardstick, the slower
#: of two timed in between: one run in this process, one run by a probe where
#: the submission runs (in the sandbox: the same scheduling, copying and
#: transfer as its call; with two gradings on the 2 cores a vectorised spiral,
#: 2-3x idle, went over 5x against this process's yardstick alone). Measured
#: earlier against this process's yardstick only (2 loaded cores, in-process,
#: on the corpus): 17 vectorised solutions 1-2x, map(lambda) and np.vectorize
#: 7-22x, comprehensions 10-33x, the tutorial's loop 56-108x; against both, in
#: the sandbox, idle, three gradings each: vectorised 1x, np.vectorize 4-6x,
#: map(lambda) 10-13x. The syntax tree catches all of these; the timing is the
#: backstop for a loop the syntax tree cannot see, and one as cheap as
#: np.vectorize can pass it.
TIME_RATIO = 5.0
TIME_REPEATS = 3
#: Rounds a call over the limit (but within 10x of it) is re-timed, up to: the
#: minima only fall as rounds are added, towards the machine's unloaded costs,
#: so a correct solution timed while other jobs took the cores (seen here:
#: one of 4 routes failed a vectorised spiral when four gradings shared the
#: 2 cores) passes, and a loop that is over the limit unloaded still does not.
TIME_MAX_REPEATS = 10
#: ... and once those are spent over the limit, after a pause, up to twice more
#: (minima kept): other jobs' load comes in bursts. Seen here: with two
#: gradings sharing the 2 cores, one of 340 corpus cases failed the timing on
#: the sandboxed route alone after 10 rounds, and passed every time idle.
TIME_SERIES = 3
TIME_PAUSE = 0.5
#: The timing only fails a submission when this process's own NumPy yardstick
#: ran steadily: the median of its large-size times at most this many times
#: their minimum. Measured here: idle 1.01-1.15; with two other jobs on the 2
#: cores 2.3-2.5, and then a vectorised spiral measured 1-261 times the
#: yardstick and np.vectorize 5-37 times over three gradings, so no verdict
#: can be read off the clock. Unsteady, the timing is inconclusive and the
#: syntax tree's verdict stands.
STEADY = 1.5


def _exp() -> dict:
    return expected(EX)


def ideal_points(n: int) -> np.ndarray:
    """The expected noise-free points of ``spiral_2d(n)`` (data, for the fixed sizes)."""
    table = _exp()["ideal"]
    if str(n) not in table:
        raise KeyError(f"no ideal points for spiral_2d({n}) in the expectations")
    return np.asarray(table[str(n)], dtype=np.float64).reshape(-1, 2)


def _call(target, n, seed, numpy_int=False, rows=None):
    extra = {"numpy_int": True} if numpy_int else {}
    if rows is not None:
        extra["rows"] = [int(r) for r in rows]
    try:
        return target.probe("spiral_2d.call", num_points=n, seed=seed, **extra)
    except StudentCodeError as exc:
        if not exc.raised:  # a stub or a timeout ends the exercise's checks
            raise
        shown = f"np.int64({n})" if numpy_int else repr(n)
        raise CheckFailure(f"spiral_2d({shown}) raised {exc.message}") from None


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
    for name, want in (("points", "float64"), ("labels", "int64")):
        if not out.get(f"{name}_is_ndarray"):
            return f"{call}: {name} should be a NumPy array, got {out.get(f'{name}_type')}"
        dtype = out.get(f"{name}_dtype")
        if out.get(name) is None or dtype != want:
            return f"{call}: {name} should have dtype {want} (exactly), got {dtype}"
    expected_shapes = {"points": [2 * half, 2], "labels": [2 * half]}
    for name, shape in expected_shapes.items():
        got = out.get(f"{name}_shape")
        if not isinstance(got, list) or list(got) != shape:
            why = " (fewer than 2 points: empty arrays)" if half == 0 else f" (2 * ({n} // 2) points)"
            return f"{call}: expected {name} of shape {tuple(shape)}{why}, got {tuple(got or ())}"
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


def _checked(target, n, seed, numpy_int=False):
    out = _call(target, n, seed, numpy_int)
    problem = layout_problem(n, out)
    if problem:
        raise CheckFailure(problem)
    return np.asarray(out["points"], dtype=np.float64)


def box_problem(n: int, points: np.ndarray, ideal: np.ndarray | None = None,
                rows: np.ndarray | None = None) -> str | None:
    """The first point farther than the noise from its ideal point, described.

    `ideal` defaults to the expected points of size `n`; with `rows`, only
    those rows of `points` are compared with `ideal` (one ideal row each).
    """
    half = n // 2
    noise = _exp()["noise"]
    ideal = ideal_points(n) if ideal is None else ideal
    index = np.arange(len(points)) if rows is None else np.asarray(rows)
    residual = points[index] - ideal
    bad = np.abs(residual) > noise + BOX_ATOL
    if not bad.any():
        return None
    k = int(np.argwhere(bad.any(axis=1))[0, 0])
    row = int(index[k])
    label, i = divmod(row, half)
    return (f"spiral_2d({n}): point {row} (label {label}, index {i} of its class) is "
            f"({points[row, 0]:.4f}, {points[row, 1]:.4f}); expected within {noise} of "
            f"({ideal[k, 0]:.4f}, {ideal[k, 1]:.4f}) in each coordinate "
            f"(r = 5 * i / h, t = 1.75 * 2 * pi * i / h + label * pi, h = {half}), "
            f"off by ({residual[k, 0]:+.4f}, {residual[k, 1]:+.4f})")


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

#: The contract's bullets (words of `toyopt_ref.data.spiral_2d`'s docstring).
C_LAYOUT = "returns ``(points, labels)``: float64 ``(2*h, 2)`` and int64 ``(2*h,)``"
C_CURVE = "the point is ``(r * sin(t) + ex, r * cos(t) + ey)`` with ``|ex|, |ey| <= 0.1``"
C_NOISE = "``ex`` and ``ey`` are independent draws, uniform on [-0.1, 0.1)"
C_SEED = "the noise comes from ``np.random`` (the global state)"
C_VECTOR = "the work does not loop in Python over the points"
C_ERRORS = "a negative `num_points` raises `ValueError`; one that is not an integer"
#: Primary checks: the secondary ones score only once these pass.
VALUES = ("layout", "noise_box")


def follow_problem(n: int, points: np.ndarray) -> str | None:
    """None when the points of ``spiral_2d(n)`` lie on the spiral at all (see `FOLLOW_TOL`)."""
    distance = np.abs(points - ideal_points(n)).max(axis=1)
    median = float(np.median(distance))
    if median < FOLLOW_TOL:
        return None
    k = int(np.argsort(distance)[len(distance) // 2])
    ideal = ideal_points(n)[k]
    return (f"spiral_2d({n}): these are not the spiral's points: half of them lie more than "
            f"{median:.2f} from where the spiral puts them (at most {_exp()['noise']} for a "
            f"correct spiral); point {k} is ({points[k, 0]:.3f}, {points[k, 1]:.3f}), expected "
            f"near ({ideal[0]:.3f}, {ideal[1]:.3f}) (r = 5 * i / h, t = 1.75 * 2 * pi * i / h "
            f"+ label * pi)")


@check(EX, "layout", 4, "layout: shapes 2 * (n // 2), float64 points, int64 labels, label 0 first, "
       "points on the spiral", clause=C_LAYOUT)
def check_layout(target):
    table = _exp()["ideal"]
    for n in _exp()["layout_sizes"]:
        points = _checked(target, n, seed=1000 + n)
        if n >= FOLLOW_MIN_SIZE and str(n) in table:
            problem = follow_problem(n, points)
            if problem:
                raise CheckFailure(problem)


@check(EX, "noise_box", 4, "every point lies within 0.1 (per coordinate) of its point on the spiral",
       clause=C_CURVE)
def check_noise_box(target):
    for n in _exp()["box_sizes"]:
        problem = box_problem(n, _checked(target, n, seed=2000 + n))
        if problem:
            raise CheckFailure(problem)


@check(EX, "noise_distribution", 5,
       "noise: uniform on [-0.1, 0.1], independent per coordinate and per point (alpha = 1e-6)",
       clause=C_NOISE)
def check_noise_distribution(target):
    cfg = _exp()["distribution"]
    n, seed = int(cfg["num_points"]), int(cfg["seed"])
    noise = _exp()["noise"]
    points = _checked(target, n, seed)
    half = n // 2
    res = points - ideal_points(n)
    per_test = ALPHA / DIST_TESTS
    call = f"np.random.seed({seed}); spiral_2d({n})"
    d, p = ks_uniform(res, -noise, noise)
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


@check(EX, "reproducible", 2, "randomness from np.random: same seed same output, other seed other output",
       clause=C_SEED, requires=VALUES)
def check_reproducible(target):
    n = 50
    outs = {}
    for seed in (7, 7, 8):
        outs.setdefault(seed, []).append(_checked(target, n, seed))
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


def _yardstick(n: int) -> np.ndarray:
    """NumPy work of the size of a spiral of `n` points (trusted, timed here):
    the same work the ``spiral_2d.yardstick`` probe times where the submission runs."""
    return yardstick_points(n)


def _timed(func):
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def rows_problem(n: int, out: dict, rows: np.ndarray, ideal_rows: np.ndarray) -> str | None:
    """Layout and noise box of a call that sent back only `rows` of its arrays."""
    half = n // 2
    if out.get("length") != 2:
        return f"spiral_2d({n}): expected a pair (points, labels), got {out.get('returned_type')}"
    if out.get("points_dtype") != "float64" or out.get("labels_dtype") != "int64" \
            or out.get("points_shape") != [2 * half, 2] or out.get("labels_shape") != [2 * half]:
        return (f"spiral_2d({n}): expected float64 points of shape ({2 * half}, 2) and int64 "
                f"labels of shape ({2 * half},), got {out.get('points_dtype')} "
                f"{out.get('points_shape')} and {out.get('labels_dtype')} {out.get('labels_shape')}")
    try:
        points = np.asarray(out["points"], dtype=np.float64).reshape(len(rows), 2)
        labels = np.asarray(out["labels"]).reshape(len(rows))
    except (TypeError, ValueError):
        return f"spiral_2d({n}): the arrays do not have the shapes they report"
    if not np.array_equal(labels, (rows >= half).astype(np.int64)):
        return f"spiral_2d({n}): expected {half} labels 0 then {half} labels 1"
    full = np.full((2 * half, 2), np.nan)
    full[rows] = points
    return box_problem(n, full, ideal_rows, rows)


def timing_problem(target) -> str | None:
    """Why the timings show a loop over the points (None: they do not)."""
    cfg = _exp()["timing"]
    small, large = int(cfg["small"]), int(cfg["large"])
    rows = np.asarray(cfg["rows"], dtype=np.int64)
    ideal_rows = np.asarray(cfg["ideal_rows"], dtype=np.float64).reshape(-1, 2)
    student = {small: [], large: []}
    yard = {small: [], large: []}
    there = {small: [], large: []}  # the yardstick probe, timed around its round trip
    for rep in range(TIME_MAX_REPEATS * TIME_SERIES):
        if rep and rep % TIME_MAX_REPEATS == 0:
            time.sleep(TIME_PAUSE)
        for n in (small, large):
            picked = rows if n == large else rows[:1]
            seconds, out = _timed(lambda n=n, picked=picked, rep=rep: _call(target, n, 300 + rep, rows=picked))
            student[n].append(seconds)
            if n == large:
                problem = rows_problem(n, out, rows, ideal_rows)
                if problem:
                    return problem
            yard[n].append(_timed(lambda n=n: _yardstick(n))[0])
            there[n].append(_timed(lambda n=n, picked=picked, rep=rep: target.probe(
                "spiral_2d.yardstick", num_points=n, seed=300 + rep, rows=[int(r) for r in picked]))[0])
        per_point = (min(student[large]) - min(student[small])) / (large - small)
        # the slower of the two yardsticks: this process's, and the same work run
        # where the submission runs (its scheduling, copying and transfer included)
        per_yard = max((min(yard[large]) - min(yard[small])) / (large - small),
                       (min(there[large]) - min(there[small])) / (large - small), 1e-10)
        steady = float(np.median(yard[large])) <= STEADY * min(yard[large])
        # A loop ten times over the limit, timed steadily, will not get under it.
        if per_point / per_yard > 10 * TIME_RATIO and steady and rep + 1 >= TIME_REPEATS:
            break
        if rep + 1 >= TIME_REPEATS and per_point / per_yard <= TIME_RATIO:
            break
    ratio = per_point / per_yard
    if ratio <= TIME_RATIO or not steady:
        return None
    return (f"spiral_2d took {min(student[small]) * 1e3:.1f} ms for num_points={small} and "
            f"{min(student[large]) * 1e3:.1f} ms for num_points={large}: {per_point * 1e9:.0f} ns "
            f"per extra point, {ratio:.0f} times what whole-array NumPy work of that size costs "
            f"on this machine (allowed: {TIME_RATIO:g} times), so it still loops over the points")


@check(EX, "vectorised", 5, "vectorised: no Python loop over the points (source and timing)",
       clause=C_VECTOR, requires=VALUES)
def check_vectorised(target):
    src = target.probe("spiral_2d.source")
    text = src.get("text") if isinstance(src, dict) else None
    if not isinstance(text, str):
        raise CheckFailure("spiral_2d: the grader could not read the source of your spiral_2d, "
                           "so it cannot check that it is vectorised (define it in your file with def)")
    first = src.get("first_line")
    try:
        found = find_loops(text, str(src.get("function") or EX),
                           first if isinstance(first, int) else None)
    except (SyntaxError, ValueError, SourceUnavailable, RecursionError) as exc:
        raise CheckFailure(f"spiral_2d: the grader could not read the definition of spiral_2d "
                           f"in your source ({type(exc).__name__}), so it cannot check that it is "
                           "vectorised") from None
    advice = ("build the angles, radii and noise as whole arrays (np.arange, "
              "np.random.uniform(..., size)); a loop over the two classes is fine, a loop "
              "(or comprehension, map, np.vectorize) over the points is not")
    if found:
        where = "; ".join(f"line {f.line}: {f.what}: {f.text}" for f in found[:3])
        raise CheckFailure(f"spiral_2d is not vectorised: {where}. Instead {advice}")
    problem = timing_problem(target)
    if problem:
        raise CheckFailure(f"{problem}. Instead {advice}")


@check(EX, "bad_input", 2, "accepts np.int64; rejects a num_points that is not a non-negative int",
       clause=C_ERRORS, requires=VALUES)
def check_bad_input(target):
    _checked(target, 10, seed=1010, numpy_int=True)  # a NumPy integer is an int too
    either = ("ValueError", "TypeError")
    for bad, allowed in ((-1, ("ValueError",)), (2.5, either), (4.0, either), ("10", either)):
        out = target.probe("spiral_2d.raises", num_points=bad)
        raised = out.get("raised") if isinstance(out, dict) else None
        names = " or ".join(allowed)
        if raised is None:
            raise CheckFailure(
                f"spiral_2d({bad!r}): expected a {names} (num_points must be a non-negative "
                f"int), but it returned a {out.get('returned_type') if isinstance(out, dict) else None}")
        if not isinstance(raised, list) or not any(name in raised for name in allowed):
            raise CheckFailure(f"spiral_2d({bad!r}): expected a {names}, got {out.get('message')}")
