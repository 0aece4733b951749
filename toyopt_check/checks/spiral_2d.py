"""Checks of `data.spiral_2d` (25 points), from the contract in
`toyopt_ref.data.spiral_2d`'s docstring (each check's `clause` quotes it).

Expected values are data (`expected("spiral_2d")`, from `toyopt.oracles.spiral_2d`):
the ideal (noise-free) points of fixed sizes, plus, at grading, sizes and call
seeds drawn from the grading seed (`expect.drawn_for`). A correct spiral may
draw its noise in any order, so each point is compared with its ideal point
(the noise box), the pooled noise is tested for uniformity and independence,
and vectorisation is judged here from the source's syntax tree (`loops`) and
from the CPU time of timed calls, read outside the worker (never inside it).

Statistics (check ``spiral_2d.noise_distribution``): one Kolmogorov-Smirnov
test of the pooled residuals against U(-0.1, 0.1) and three correlation tests
(x vs y noise of each point, each point vs the next in its class, class 0 vs
class 1 at the same index), each at alpha = 2.5e-7 (Bonferroni), so a correct
solution fails it with probability <= 1e-6 per grading run (the sample is
seeded, so a given submission always gets the same verdict).

Forgeable facts (for the threat model; everything else is judged from values
the trusted side checks against the contract):

* ``vectorised`` reads the source text through a probe: a submission can send
  other text, or hide a loop from the syntax tree (another module, a name built
  at run time: ``globals()["spiral_2d" + "_loop"]``). The timing half is the
  backstop: at grading its sizes and call seeds come from the grading seed, and
  every point of every timed call is compared with the contract, so
  special-casing a size wins nothing. The yardstick runs only here: a few
  whole-array NumPy passes *plus* the wire's encoding and decoding of a reply
  of that size (a timed call sends its whole output back). Measured (bench/
  bench_timing.py, bwrap, cgroup v1, 2 cores shared with other test suites),
  CPU ratio to the yardstick, load average 5-7 / 8-11 (four CPU hogs added):
  vectorised 0.82-1.07 / 0.72-0.99; the tutorial's loop hidden behind
  ``globals()`` 16.7-18.3 / 15.0-17.0; a hidden list comprehension 3.6-3.7 /
  3.1-3.6; a hidden ``np.vectorize`` 4.5 (failed) / 3.9 (passed). So a hidden
  loop as cheap as those two can pass the timing (the syntax tree catches them
  when not hidden), and load, contending for the caches, lowers a loop's ratio
  by up to ~15 %, which can move a verdict that close to the limit; the
  tutorial's loop is far from it.
* the timing compares CPU time, not the wall clock: the student's side's
  (`Target.cpu_seconds`: in the sandbox the worker's cgroup, which counts every
  process and thread the submission starts, ended ones included; in process
  ``time.process_time``) against the yardstick's (``time.thread_time``). Load
  delays a call but adds little to its CPU time, so it no longer steers the
  tutorial loop's verdict: timed by the wall clock, at a load average of 9-12 on
  2 cores, the hidden tutorial loop passed in 4 of 10 steering runs (the
  yardstick's minima stayed inflated); timed by CPU, with four CPU hogs beside
  (load 8-11), it failed 10 of 10 (CPU ratio 15.0-17.0; the wall clock measured
  2.3-11.4 in the same runs) and the reference passed 10 of 10 (0.72-0.99); in
  process 10 of 10 and 10 of 10 too (19.9-21.0; 0.26-0.32). The submission's
  threads spinning during its calls count against it; spinning while this
  process times its yardstick they take cores, which the yardstick's CPU time
  does not count (the four hogs above moved the hidden loop's ratio by ~15 % at
  most). Without a cgroup (where the kernel offers the grader none, as in many
  containers) the reading sums the live threads of the worker's process tree
  (orphans stay in it: bwrap's PID namespace, the fallback's subreaping
  supervisor), and work in threads or processes that end before the call returns
  escapes it: there the wall clock is a second condition
  (`Target.cpu_counts_all`), so such a loop must also pass the wall clock, which
  a loop does only while load inflates the yardstick's minima. Measured there
  (bwrap without its cgroup, four hogs): the hidden loop failed 10 of 10 (CPU
  15.1-17.7, wall 3.8-26.1), the reference passed 10 of 10. The kit's self-check
  misses its child processes (it is a teaching tool, not a grader). A pass needs
  every clock's minima within the limit, a fail one clock over it whose
  yardstick ran steadily; a clock that never steadies over `TIME_SERIES` series,
  or a CPU time that cannot be read, ends in a re-grade request
  (`TimingUndecided`), never a pass.
* ``bad_input`` reads the exception's class names from the probe: faking a
  ``ValueError`` report is harder than raising one.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from ..inside import protocol
from .core import CheckFailure, check, expect_raise, probe_call
from .expect import drawn_for, expected
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
#: around the probe call, whole output sent back, min of the rounds, large
#: minus small size) may be at most this many times the yardstick's
#: (`_yardstick`, timed in this process between the calls; measurements in the
#: module docstring).
TIME_RATIO = 5.0
TIME_REPEATS = 3
#: A call over the limit (within 10x of it) is re-timed, up to this many rounds:
#: minima only fall as rounds are added, so a correct solution timed while other
#: jobs took the cores passes (seen: one of 4 routes failed a vectorised spiral
#: with four gradings on 2 cores), and a loop over the limit unloaded does not.
TIME_MAX_REPEATS = 10
#: ... then, after a pause, up to this many series in all (minima kept): load
#: comes in bursts (seen: one of 340 corpus cases failed the sandboxed route
#: alone after 10 rounds). A ratio over twice the limit on a steady clock fails
#: at once, so a loop does not spend three series of the budget.
TIME_SERIES = 3
TIME_PAUSE = 0.5
#: The timing only fails a submission on a steady clock: at least `TIME_REPEATS`
#: yardstick times within this factor of their minimum. Measured, the large
#: yardstick, 20 runs at a load average of 8 on 2 cores: CPU time all within
#: 1.15 of the minimum; the wall clock (timed where CPU time can miss work) up
#: to 2.53, and 1.01-1.15 idle, 2.3-2.5 with two other jobs on the 2 cores.
STEADY = 1.5


def _exp() -> dict:
    return expected(EX)


def ideal_points(n: int) -> np.ndarray:
    """The expected noise-free points of ``spiral_2d(n)`` (data, for the fixed sizes)."""
    return np.asarray(_exp()["ideal"][str(n)], dtype=np.float64).reshape(-1, 2)


def _call(target, n, seed, numpy_int=False, compact=False):
    flags = {name: True for name, on in (("numpy_int", numpy_int), ("compact", compact)) if on}
    call = f"spiral_2d({f'np.int64({n})' if numpy_int else repr(n)})"
    return probe_call(target, call, "spiral_2d.call", num_points=n, seed=seed, **flags)


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
    for name, shape in (("points", [2 * half, 2]), ("labels", [2 * half])):
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


def _fail_on(problem: str | None) -> None:
    if problem:
        raise CheckFailure(problem)


def _checked(target, n, seed, numpy_int=False):
    out = _call(target, n, seed, numpy_int)
    _fail_on(layout_problem(n, out))
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
       "points on the spiral", clause="returns ``(points, labels)``: float64 ``(2*h, 2)`` and int64 ``(2*h,)``")
def check_layout(target):
    table = _exp()["ideal"]
    for n in _exp()["layout_sizes"]:
        points = _checked(target, n, seed=1000 + n)
        if n >= FOLLOW_MIN_SIZE and str(n) in table:
            _fail_on(follow_problem(n, points))


@check(EX, "noise_box", 4, "every point lies within 0.1 (per coordinate) of its point on the spiral",
       clause="the point is ``(r * sin(t) + ex, r * cos(t) + ey)`` with ``|ex|, |ey| <= 0.1``")
def check_noise_box(target):
    for n in _exp()["box_sizes"]:
        _fail_on(box_problem(n, _checked(target, n, seed=2000 + n)))
    drawn = drawn_for(target, EX)
    if drawn is not None:  # at grading: a size the kit does not hold, too
        n, seed = int(drawn["box"]["num_points"]), int(drawn["box"]["seed"])
        ideal = np.asarray(drawn["box"]["ideal"], dtype=np.float64).reshape(-1, 2)
        _fail_on(box_problem(n, _checked(target, n, seed), ideal))


@check(EX, "noise_distribution", 5,
       "noise: uniform on [-0.1, 0.1], independent per coordinate and per point (alpha = 1e-6)",
       clause="``ex`` and ``ey`` are independent draws, uniform on [-0.1, 0.1)")
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
       clause="the noise comes from ``np.random`` (the global state)", requires=VALUES)
def check_reproducible(target):
    n = 50
    first, again, other = (_checked(target, n, seed) for seed in (7, 7, 8))
    # Same code, same seed: the output must be bit-identical, so == is right here.
    if not np.array_equal(first, again):
        row = int(np.argwhere((first != again).any(axis=1))[0, 0])
        raise CheckFailure(
            f"spiral_2d({n}): two calls after np.random.seed(7) differ (point {row}: "
            f"{first[row].round(4).tolist()} vs {again[row].round(4).tolist()}); draw the noise "
            "from np.random (the global state), not from an unseeded generator")
    if np.array_equal(first, other):
        raise CheckFailure(
            f"spiral_2d({n}): np.random.seed(7) and np.random.seed(8) give the same points; the "
            "noise must come from np.random's global state (no fixed seed or generator inside)")


def yardstick_points(n: int, seed: int = 0) -> np.ndarray:
    """The yardstick's NumPy work for `n` points: a few elementwise passes over
    ``(n, 2)`` arrays, about what a vectorised spiral costs."""
    x = np.random.RandomState(seed % 2**32).uniform(-1.0, 1.0, (n, 2))
    y = np.exp(x) * np.tanh(x[:, ::-1])
    return np.concatenate([y[: n // 2], x[n // 2:]]) + np.sqrt(np.abs(y))


def _yardstick(n: int, seed: int = 0) -> None:
    """What an honest vectorised ``spiral_2d(n)`` costs here, timed in this
    process only: the NumPy work, then the wire's encoding and decoding of a
    reply of that size (the timed calls send their whole output back, compact:
    float32 points, int8 labels)."""
    half = n // 2
    points = yardstick_points(2 * half, seed).astype(np.float32)
    labels = np.repeat(np.array([0, 1], dtype=np.int8), half)
    frame = protocol.encode({"points": points, "labels": labels})
    protocol.decode(frame[protocol.HEADER.size:])


class TimingUndecided(CheckFailure):
    """The clocks could not decide (a machine too busy to time on, or no CPU time to
    read): not a pass, not a verdict on the code; the message asks for a re-grade."""


REGRADE = ("spiral_2d: RE-GRADE REQUESTED: {why}, so this check could not decide whether it "
           "loops over the points; it is not passed. Ask your instructor to grade it again")


def _student_cost(target, n: int, seed: int) -> tuple[dict, dict]:
    """One timed call: its costs (``cpu``: the student's side's, read by `target`;
    ``wall``: around the probe call, here) and its output."""
    cpu, wall = target.cpu_seconds(), time.perf_counter()
    out = _call(target, n, seed, compact=True)
    wall, after = time.perf_counter() - wall, target.cpu_seconds()
    if cpu is None or after is None:
        raise TimingUndecided(REGRADE.format(why="the grader could not read the CPU time of the "
                                             "process running your code"))
    return {"cpu": after - cpu, "wall": wall}, out


def _yardstick_cost(n: int, seed: int) -> dict:
    """The yardstick's costs: this thread's CPU time, and the wall clock."""
    cpu, wall = time.thread_time(), time.perf_counter()
    _yardstick(n, seed)
    return {"cpu": time.thread_time() - cpu, "wall": time.perf_counter() - wall}


@dataclass(frozen=True)
class TimingPlan:
    """The timed sizes, the seeds of the timed calls and what each call's whole
    output is compared with: ``ideal[n]`` (every point), or only `rows` of the
    large call (the kit: its expectations hold those rows)."""

    small: int
    large: int
    seeds: tuple
    ideal: dict
    rows: np.ndarray | None = None


def timing_plan(target) -> TimingPlan:
    """At grading, sizes and seeds drawn from the grading seed, every point of
    every timed call compared; in the kit, its fixed sizes and rows."""
    drawn = drawn_for(target, EX)
    if drawn is not None:
        cfg = drawn["timing"]
        ideal = {int(n): np.asarray(v, dtype=np.float64).reshape(-1, 2) for n, v in cfg["ideal"].items()}
        return TimingPlan(int(cfg["small"]), int(cfg["large"]), tuple(int(s) for s in cfg["seeds"]), ideal)
    cfg = _exp()["timing"]
    return TimingPlan(int(cfg["small"]), int(cfg["large"]), tuple(300 + k for k in range(64)),
                      {int(cfg["large"]): np.asarray(cfg["ideal_rows"], dtype=np.float64).reshape(-1, 2)},
                      np.asarray(cfg["rows"], dtype=np.int64))


def timed_call_problem(plan: TimingPlan, n: int, out: dict) -> str | None:
    """Layout and noise box of one timed call's whole output (see `TimingPlan`)."""
    problem = layout_problem(n, out)
    if problem or n not in plan.ideal:
        return problem
    points = np.asarray(out["points"], dtype=np.float64)
    rows = plan.rows if n == plan.large else None
    return box_problem(n, points, plan.ideal[n], rows)


def steady(times) -> bool:
    """The clock can be read: at least `TIME_REPEATS` of the yardstick's times
    lie within `STEADY` times its fastest (its minimum is reproducible)."""
    fastest = min(times)
    return sum(t <= STEADY * fastest for t in times) >= TIME_REPEATS


def timing_problem(target) -> str | None:
    """Why the timings show a loop over the points (None: they do not). A pass
    needs minima within `TIME_RATIO` on every clock timed (`clocks`), a fail one
    clock over it and steady (see the module docstring); otherwise `TimingUndecided`."""
    plan = timing_plan(target)
    small, large = plan.small, plan.large
    clocks = ("cpu",) if target.cpu_counts_all else ("cpu", "wall")
    student = {(clock, n): [] for clock in clocks for n in (small, large)}
    yard = {key: [] for key in student}

    def per_point(times, clock):
        return (min(times[clock, large]) - min(times[clock, small])) / (large - small)

    rep = 0
    for series in range(TIME_SERIES):
        if series:
            time.sleep(TIME_PAUSE)
        for _ in range(TIME_MAX_REPEATS):
            seed = plan.seeds[rep % len(plan.seeds)]
            for n in (small, large):
                cost, out = _student_cost(target, n, seed)
                problem = timed_call_problem(plan, n, out)
                if problem:
                    return problem
                yard_cost = _yardstick_cost(n, seed)
                for clock in clocks:
                    student[clock, n].append(cost[clock])
                    yard[clock, n].append(yard_cost[clock])
            rep += 1
            ratios = {c: per_point(student, c) / max(per_point(yard, c), 1e-10) for c in clocks}
            worst = max(clocks, key=ratios.get)
            failing = max((c for c in clocks if ratios[c] > TIME_RATIO and steady(yard[c, large])),
                          key=ratios.get, default=None)
            far = ratios[failing] if failing else 0.0
            if rep >= TIME_REPEATS and (ratios[worst] <= TIME_RATIO or far > 10 * TIME_RATIO):
                break  # a verdict far from the limit needs no more rounds
        # over the limit: another series (after a pause) lets the minima fall,
        # unless the ratio is so far over that no quieter moment brings it down
        if ratios[worst] <= TIME_RATIO or far > 2 * TIME_RATIO:
            break
    if ratios[worst] <= TIME_RATIO:
        return None
    if failing is None:
        raise TimingUndecided(REGRADE.format(
            why=f"the machine was too busy to time spiral_2d ({rep} rounds; the grader's own NumPy "
                f"yardstick never ran steadily): its calls measured {ratios[worst]:.1f} times what "
                f"whole-array NumPy work costs (allowed: {TIME_RATIO:g} times), which a busy machine "
                "alone can cause"))
    words = "of CPU" if failing == "cpu" else "by the wall clock"
    return (f"spiral_2d took {min(student[failing, small]) * 1e3:.1f} ms {words} for num_points={small} "
            f"and {min(student[failing, large]) * 1e3:.1f} ms for num_points={large}: "
            f"{per_point(student, failing) * 1e9:.0f} ns per extra point, {far:.1f} times what whole-array "
            f"NumPy work of that size costs on this machine (allowed: {TIME_RATIO:g} times), so it still "
            "loops over the points")


@check(EX, "vectorised", 5, "vectorised: no Python loop over the points (source and timing)",
       clause="the work does not loop in Python over the points", requires=VALUES)
def check_vectorised(target):
    src = target.probe("spiral_2d.source")
    if src.get("text") is None:
        raise CheckFailure("spiral_2d: the grader could not read the source of your spiral_2d, "
                           "so it cannot check that it is vectorised (define it in your file with def)")
    try:
        found = find_loops(src["text"], src.get("function") or EX, src.get("first_line"))
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
       clause="a negative `num_points` raises `ValueError`; one that is not an integer", requires=VALUES)
def check_bad_input(target):
    _checked(target, 10, seed=1010, numpy_int=True)  # a NumPy integer is an int too
    either = ("ValueError", "TypeError")
    for bad, allowed in ((-1, ("ValueError",)), (2.5, either), (4.0, either), ("10", either)):
        expect_raise(target.probe("spiral_2d.raises", num_points=bad), f"spiral_2d({bad!r})", allowed,
                     "num_points must be a non-negative int")
