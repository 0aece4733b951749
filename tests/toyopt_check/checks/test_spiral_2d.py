"""Unit tests of `toyopt_check.checks.spiral_2d` and its probes: statistics, the
expected curve, float32 tolerance, argument errors, and vectorisation judged
in the trusted process (syntax tree + timing), also against forged sources."""

import numpy as np
import pytest

import toyopt.checks  # noqa: F401  (registers the hidden checks with all_checks)
from toyopt_check.checks import all_checks, run_checks
from toyopt_check.checks.spiral_2d import correlation_test, ideal_points, kolmogorov_sf, ks_uniform, layout_problem
from toyopt_check.checks.target import InProcessTarget
from toyopt_ref.data import spiral_2d, spiral_2d_loop
from toyopt_ref.errors import check_count


def grade(func, seed=None):
    """``{check id: result}``; with `seed`, as at grading (sizes drawn from it)."""
    target = InProcessTarget.for_namespace({"spiral_2d": func})
    target.grading_seed = seed
    return {r.id: r for r in run_checks(target, all_checks(("spiral_2d",)), cuda_available=False)}


@pytest.mark.parametrize("x, p", [(1.3581, 0.05), (1.6276, 0.01), (1.9495, 0.001)])
def test_kolmogorov_sf_matches_tabulated_critical_values(x, p):
    assert kolmogorov_sf(x) == pytest.approx(p, rel=2e-3)


def test_kolmogorov_sf_agrees_with_scipy():
    stats = pytest.importorskip("scipy.stats")
    for x in np.linspace(0.3, 4.0, 38):
        assert kolmogorov_sf(float(x)) == pytest.approx(stats.kstwobign.sf(x), rel=1e-9, abs=1e-300)


def test_ks_uniform_accepts_uniform_and_rejects_narrow_noise():
    rng = np.random.RandomState(0)
    _, p_good = ks_uniform(rng.uniform(-0.1, 0.1, 40000), -0.1, 0.1)
    d_bad, p_bad = ks_uniform(rng.uniform(-0.09, 0.09, 40000), -0.1, 0.1)
    assert p_good > 1e-3
    assert p_bad < 1e-12 and d_bad == pytest.approx(0.05, abs=0.01)


def test_ks_statistic_stays_in_unit_interval_for_values_outside_the_support():
    d, p = ks_uniform(np.full(100, 7.0), -0.1, 0.1)
    assert d == pytest.approx(1.0) and p < 1e-80


def test_correlation_test_detects_shared_noise_only():
    rng = np.random.RandomState(1)
    a, b = rng.uniform(size=(2, 20000))
    assert correlation_test(a, b)[1] > 1e-3
    assert correlation_test(a, a)[1] < 1e-12
    assert correlation_test(a, np.zeros_like(a))[1] == 0.0  # constant noise: rejected


@pytest.mark.parametrize("n", [2, 3, 101, 1000])
def test_reference_points_lie_in_the_noise_box_of_the_expected_curve(n):
    np.random.seed(n)
    points, _ = spiral_2d(n)
    assert np.abs(points - ideal_points(n)).max() <= 0.1


def test_layout_problem_names_the_input_and_both_shapes():
    np.random.seed(0)
    points, labels = spiral_2d_loop(6)
    out = {"length": 2, "points_is_ndarray": True, "points_dtype": "float64", "points_shape": [7, 2],
           "points": np.zeros((7, 2)), "labels_is_ndarray": True, "labels_dtype": "int64",
           "labels_shape": [6], "labels": labels}
    assert layout_problem(7, out) == \
        "spiral_2d(7): expected points of shape (6, 2) (2 * (7 // 2) points), got (7, 2)"


def test_layout_reports_the_first_failing_size():
    def late_swap(num_points):  # right below 100 points, labels swapped from 100 on
        points, labels = spiral_2d(num_points)
        return (points, 1 - labels) if num_points >= 100 else (points, labels)

    result = grade(late_swap)["spiral_2d.layout"]
    assert result.status == "failed"
    assert result.message.startswith("spiral_2d(101): expected 50 labels 0 then 50 labels 1")


def test_stub_scores_zero_with_not_implemented_yet_on_every_check():
    def stub(num_points):
        raise NotImplementedError

    results = grade(stub).values()
    assert {r.status for r in results} == {"not_implemented"}
    assert all("not implemented yet" in r.message for r in results)


def test_a_loop_over_the_two_classes_counts_as_vectorised():
    def per_class(num_points):
        h = num_points // 2
        parts = []
        for c in (0, 1):
            i = np.arange(h) / max(h, 1)
            t = 3.5 * np.pi * i + c * np.pi
            parts.append(np.stack([5 * i * np.sin(t), 5 * i * np.cos(t)], 1) + np.random.uniform(-0.1, 0.1, (h, 2)))
        return np.concatenate(parts), np.repeat(np.array([0, 1]), h)

    assert grade(per_class)["spiral_2d.vectorised"].passed


def test_float32_arithmetic_in_a_correct_spiral_gets_full_marks():
    def float32_spiral(num_points):
        h = check_count("num_points", num_points) // 2
        i = np.arange(h, dtype=np.float32)
        frac = i / np.float32(max(h, 1))
        t = np.float32(3.5 * np.pi) * np.tile(frac, 2) + np.repeat(np.array([0, np.pi], dtype=np.float32), h)
        r = np.float32(5) * np.tile(frac, 2)
        noise = np.random.uniform(-0.1, 0.1, (2 * h, 2)).astype(np.float32)
        points = np.stack([r * np.sin(t), r * np.cos(t)], axis=1) + noise
        return points.astype(np.float64), np.repeat(np.array([0, 1], dtype=np.int64), h)

    results = grade(float32_spiral)
    assert [k for k, r in results.items() if not r.passed and k != "spiral_2d.learnable"] == []


def test_float32_points_fail_the_layout_check_only_on_the_dtype():
    def returns_float32(num_points):
        points, labels = spiral_2d(num_points)
        return points.astype(np.float32), labels

    result = grade(returns_float32)["spiral_2d.layout"]
    assert result.status == "failed" and "dtype float64 (exactly), got float32" in result.message


def test_a_loop_run_in_a_thread_is_still_a_loop():
    import threading

    def threaded(num_points):
        points, labels = spiral_2d(num_points)
        out = []

        def work():
            for row in points:  # the loop over the points, hidden from a tracer
                out.append(row * 1.0)

        worker = threading.Thread(target=work)
        worker.start()
        worker.join()
        return np.array(out).reshape(-1, 2), labels

    result = grade(threaded)["spiral_2d.vectorised"]
    assert result.status == "failed" and "a for loop" in result.message


class _LyingSource:
    """A target whose source probe sends a forged (vectorised-looking) text."""

    def __init__(self, inner):
        self.inner = inner

    def __getattr__(self, name):  # the CPU readings
        return getattr(self.inner, name)

    def probe(self, name, **kwargs):
        if name == "spiral_2d.source":
            return {"function": "spiral_2d", "first_line": 1, "file": "data.py",
                    "text": "def spiral_2d(num_points):\n    return None\n"}
        return self.inner.probe(name, **kwargs)


def test_forged_source_does_not_hide_a_slow_loop_from_the_timing():
    from toyopt_check.checks.core import CheckFailure
    from toyopt_check.checks.spiral_2d import check_vectorised

    target = _LyingSource(InProcessTarget.for_namespace({"spiral_2d": spiral_2d_loop}))
    with pytest.raises(CheckFailure, match="per extra point"):
        check_vectorised(target)


class FakeClock:
    """Stands in for the timing's clocks (wall and CPU alike): the timed calls and
    the yardstick advance it by set costs, so no test here depends on the machine."""

    def __init__(self):
        self.now = 0.0

    def perf_counter(self):
        return self.now

    thread_time = perf_counter

    def sleep(self, seconds):
        self.now += seconds


def fake_timing(monkeypatch, call_ns, yard_ns):
    """The timing's clock, with a spiral call of n points costing ``call_ns * n``
    nanoseconds and the k-th yardstick run of n points ``yard_ns(k) * n``."""
    import toyopt_check.checks.spiral_2d as checks

    clock, runs = FakeClock(), []
    real_call = checks._call

    def call(target, n, seed, **kwargs):
        out = real_call(target, n, seed, **kwargs)
        clock.now += call_ns * n * 1e-9
        return out

    def yardstick(n, seed=0):
        runs.append(n)
        clock.now += yard_ns(sum(r == n for r in runs)) * n * 1e-9

    monkeypatch.setattr(checks, "time", clock)
    monkeypatch.setattr(InProcessTarget, "cpu_seconds", lambda self: clock.now)
    monkeypatch.setattr(checks, "_call", call)
    monkeypatch.setattr(checks, "_yardstick", yardstick)
    return runs


def test_an_unsteady_clock_requests_a_regrade_and_never_passes(monkeypatch):
    """A yardstick slower on every run (a machine too busy to time on): no fail
    is read off the clock, and a call over the limit does not pass by default:
    the check asks for a re-grade, after trying every series."""
    import toyopt_check.checks.spiral_2d as checks

    runs = fake_timing(monkeypatch, call_ns=3000, yard_ns=lambda k: 250 * 1.6 ** k)
    target = InProcessTarget.for_namespace({"spiral_2d": spiral_2d})
    with pytest.raises(checks.TimingUndecided, match="RE-GRADE REQUESTED"):
        checks.timing_problem(target)
    assert len(runs) == 2 * checks.TIME_MAX_REPEATS * checks.TIME_SERIES


def test_a_cheap_spiral_passes_on_an_unsteady_clock(monkeypatch):
    """Load only slows a call down: minima within the limit pass, steady or not."""
    import toyopt_check.checks.spiral_2d as checks

    fake_timing(monkeypatch, call_ns=250, yard_ns=lambda k: 250 * 1.6 ** k)
    assert checks.timing_problem(InProcessTarget.for_namespace({"spiral_2d": spiral_2d})) is None


def test_bursts_of_load_leave_the_clock_deciding(monkeypatch):
    """Two of every three yardstick runs slowed threefold, as by a neighbour's
    bursts: its fastest time is still reproducible, so a slow call fails."""
    import toyopt_check.checks.spiral_2d as checks

    fake_timing(monkeypatch, call_ns=3000, yard_ns=lambda k: 250 if k % 3 == 0 else 750)
    problem = checks.timing_problem(InProcessTarget.for_namespace({"spiral_2d": spiral_2d}))
    assert "per extra point, 12.0 times what" in problem


def test_where_cpu_time_can_miss_work_the_wall_clock_must_pass_too(monkeypatch):
    """A worker without a cgroup: work in threads or processes that end during a call
    escapes its CPU reading (here all of it); the wall clock, timed as well there, fails
    the call on its own."""
    import toyopt_check.checks.spiral_2d as checks

    fake_timing(monkeypatch, call_ns=3000, yard_ns=lambda k: 250)
    monkeypatch.setattr(InProcessTarget, "cpu_counts_all", False)
    monkeypatch.setattr(InProcessTarget, "cpu_seconds", lambda self: 0.0)
    problem = checks.timing_problem(InProcessTarget.for_namespace({"spiral_2d": spiral_2d}))
    assert "ms by the wall clock" in problem and "per extra point, 12.0 times what" in problem


def test_forged_source_with_a_vectorised_function_passes_the_timing():
    from toyopt_check.checks.spiral_2d import check_vectorised

    check_vectorised(_LyingSource(InProcessTarget.for_namespace({"spiral_2d": spiral_2d})))


def test_bad_input_requires_valueerror_for_negatives_and_accepts_typeerror_for_floats():
    import operator

    def type_error_for_floats(num_points):
        n = operator.index(num_points)  # TypeError for 2.5, 4.0 and "10"
        if n < 0:
            raise ValueError("negative")
        return spiral_2d(n)

    def type_error_for_negatives(num_points):
        if not isinstance(num_points, (int, np.integer)) or num_points < 0:
            raise TypeError("not a count")
        return spiral_2d(num_points)

    assert grade(type_error_for_floats)["spiral_2d.bad_input"].passed
    result = grade(type_error_for_negatives)["spiral_2d.bad_input"]
    assert result.status == "failed" and result.message.startswith("spiral_2d(-1): expected a ValueError")


def test_a_numpy_integer_count_must_be_accepted():
    def python_int_only(num_points):
        if type(num_points) is not int:
            raise TypeError("int please")
        return spiral_2d(num_points)

    result = grade(python_int_only)["spiral_2d.bad_input"]
    assert result.status == "failed" and "np.int64(10)" in result.message


def test_secondary_checks_score_nothing_on_zero_points():
    def zeros(num_points):
        h = num_points // 2
        return np.zeros((2 * h, 2)), np.repeat(np.array([0, 1], dtype=np.int64), h)

    results = grade(zeros)
    assert sum(r.score for r in results.values()) == 0
    assert "not the spiral's points" in results["spiral_2d.layout"].message


@pytest.mark.parametrize("other", ["circular_2d", "linear_2d", "random_2d"])
def test_another_datasets_generator_scores_nothing(other):
    """Right shapes, dtypes and label order, but not the spiral: the layout check fails."""
    import toyopt_ref.data as ref

    results = grade(getattr(ref, other))
    assert sum(r.score for r in results.values()) == 0, {r.id: r.score for r in results.values() if r.score}
    assert results["spiral_2d.layout"].status == "failed"


def test_timed_sizes_are_drawn_at_grading_and_repeat_for_a_seed():
    from toyopt.oracles.spiral_2d import DRAWN_LARGE, drawn_expectations
    from toyopt_check.checks import expect

    kit = expect.expected("spiral_2d")["timing"]["large"]
    larges = {drawn_expectations(seed)["timing"]["large"] for seed in range(20)}
    assert len(larges) > 10 and all(DRAWN_LARGE[0] <= n <= DRAWN_LARGE[1] for n in larges)
    assert drawn_expectations(3)["timing"]["large"] == drawn_expectations(3)["timing"]["large"]
    assert kit in range(DRAWN_LARGE[0], DRAWN_LARGE[1] + 1)  # the kit times the same work


def test_a_correct_spiral_scores_the_same_at_grading():
    assert [k for k, r in grade(spiral_2d, seed=11).items() if not r.passed] == []


def test_every_point_of_a_timed_call_is_compared_at_grading():
    """Right only on the rows the kit's timing compares, zeros elsewhere: passes
    the kit's self-check, fails at grading on the whole output."""
    def kit_rows_only(num_points):
        points, labels = spiral_2d(num_points)
        if num_points >= 10_000:
            rows = np.unique(np.linspace(0, len(points) - 1, 64).round().astype(int))
            kept = np.zeros_like(points)
            kept[rows] = points[rows]
            points = kept
        return points, labels

    assert grade(kit_rows_only)["spiral_2d.vectorised"].passed
    result = grade(kit_rows_only, seed=11)["spiral_2d.vectorised"]
    assert result.status == "failed" and "expected within 0.1" in result.message


def test_noise_box_checks_a_size_drawn_at_grading():
    from toyopt_check.checks import expect

    drawn = expect.drawn("spiral_2d", 11)["box"]["num_points"]

    def wrong_at_the_drawn_size(num_points):
        points, labels = spiral_2d(num_points)
        return (points + 1.0 if num_points == drawn else points), labels

    assert grade(wrong_at_the_drawn_size)["spiral_2d.noise_box"].passed
    assert not grade(wrong_at_the_drawn_size, seed=11)["spiral_2d.noise_box"].passed
