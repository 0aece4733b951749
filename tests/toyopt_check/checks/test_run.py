"""The rules of `toyopt_check.checks.core.Run` that every route shares: an
exercise's list of checks and its possible points do not depend on its code,
and a check that needs a GPU is "skipped (no GPU)" without one, never failed."""

import pytest

from toyopt.release.stubs import render_exercises
from toyopt_check.checks import all_checks, run_checks
from toyopt_check.checks.core import NO_GPU
from toyopt_check.checks.results import exercise_totals
from toyopt_check.checks.target import InProcessTarget

EXERCISE = "circular_mse"  # it has a CUDA check and runs in seconds


@pytest.fixture
def stubs(tmp_path):
    package = tmp_path / "exercises"
    package.mkdir()
    for name, content in render_exercises().items():
        (package / name).write_text(content)
    return InProcessTarget.for_package(tmp_path)


def test_cuda_check_is_skipped_not_failed_on_an_untouched_stub(stubs):
    checks = all_checks([EXERCISE])
    assert any(c.device == "cuda" for c in checks)
    results = run_checks(stubs, checks, cuda_available=False)
    for chk, res in zip(checks, results):
        if chk.device == "cuda":
            assert (res.status, res.message) == ("skipped", NO_GPU)
        else:
            assert res.status == "not_implemented"


def test_an_exercise_has_the_same_checks_and_points_implemented_or_not(stubs):
    checks = all_checks([EXERCISE])
    stub = run_checks(stubs, checks, cuda_available=False)
    done = run_checks(InProcessTarget.reference(), checks, cuda_available=False)
    assert [(r.id, r.status == "skipped") for r in stub] == [(r.id, r.status == "skipped") for r in done]
    stub_row, done_row = exercise_totals(stub)[EXERCISE], exercise_totals(done)[EXERCISE]
    assert (stub_row["checks"], stub_row["max_score"]) == (done_row["checks"], done_row["max_score"])
    assert stub_row["score"] == 0 and done_row["score"] == done_row["max_score"]
