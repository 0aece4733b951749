"""`requires`: a secondary check scores only once the primary checks it names pass."""

from toyopt_check.checks.core import Check, CheckFailure, run_checks


def _ok(target):
    return None


def _fail(target):
    raise CheckFailure("spiral_2d: wrong values")


def _checks(primary):
    return [
        Check("spiral_2d.values", "spiral_2d", "values", 5, primary),
        Check("spiral_2d.vectorised", "spiral_2d", "vectorised", 3, _ok,
              requires=("spiral_2d.values",)),
    ]


def test_secondary_check_scores_nothing_when_its_primary_fails():
    results = run_checks(object(), _checks(_fail), cuda_available=False)
    assert [(r.status, r.score) for r in results] == [("failed", 0.0), ("failed", 0.0)]
    assert "spiral_2d.values" in results[1].message and "not checked" in results[1].message


def test_secondary_check_scores_when_its_primary_passes():
    results = run_checks(object(), _checks(_ok), cuda_available=False)
    assert [(r.status, r.score) for r in results] == [("passed", 5), ("passed", 3)]
