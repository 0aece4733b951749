"""`toyopt_check.checks.results`: Gradescope JSON against a stored fixture, the
score table, totals and the atomic writer."""

import json

from grade_support import TESTS

from toyopt_check.checks.core import NO_GPU, CheckResult
from toyopt_check.checks.results import exercise_totals, score_table, to_gradescope
from toyopt_check.files import write_json_atomic

FIXTURE = TESTS / "fixtures" / "results_example.json"

RESULTS = [
    CheckResult("spiral_2d.layout", "spiral_2d", "layout", 5.0, 5.0, "passed", ""),
    CheckResult("spiral_2d.vectorised", "spiral_2d", "vectorised", 0.0, 5.0, "failed",
                "spiral_2d is not vectorised", staff_detail="SECRET grader traceback"),
    CheckResult("plot_datasets.colours", "plot_datasets", "colours", 0.0, 2.5, "not_implemented",
                "plot_datasets: not implemented yet (NotImplementedError)", visibility="hidden"),
    CheckResult("epoch_loop.converges[cuda]", "epoch_loop", "converges on CUDA", 0.0, 3.0, "skipped",
                NO_GPU),
]


def test_gradescope_json_matches_the_stored_fixture():
    assert to_gradescope(RESULTS, execution_time=12.3456) == json.loads(FIXTURE.read_text())


def test_gradescope_json_never_carries_staff_detail():
    assert "SECRET" not in json.dumps(to_gradescope(RESULTS, 1.0))


def test_gradescope_tests_carry_exercise_tag_and_status():
    tests = to_gradescope(RESULTS, 1.0)["tests"]
    assert [t["tags"] for t in tests] == [["spiral_2d"], ["spiral_2d"], ["plot_datasets"], ["epoch_loop"]]
    assert [t["status"] for t in tests] == ["passed", "failed", "failed", "passed"]
    assert [t["number"] for t in tests] == ["1.1", "1.2", "2.1", "3.1"]


def test_skipped_checks_count_towards_neither_score_nor_maximum():
    totals = exercise_totals(RESULTS)
    assert totals["spiral_2d"] == {"score": 5, "max_score": 10, "passed": 1, "checks": 2}
    assert totals["plot_datasets"]["max_score"] == 2.5
    assert totals["epoch_loop"] == {"score": 0, "max_score": 0, "passed": 0, "checks": 0}
    data = to_gradescope(RESULTS, 1.0)
    assert (data["score"], data["max_score"]) == (5, 12.5)


def test_score_table_has_a_row_per_exercise_and_a_total():
    lines = score_table(RESULTS).splitlines()
    assert lines[0].split() == ["exercise", "score", "checks", "passed"]
    rows = {line.split()[0]: line.split() for line in lines if line[:1].isalpha()}
    assert rows["spiral_2d"][1:] == ["5", "/", "10", "1", "/", "2"]
    assert rows["plot_datasets"][1:4] == ["0", "/", "2.5"]
    assert rows["total"][1:] == ["5", "/", "12.5", "1", "/", "3"]


def test_write_json_atomic_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "deep" / "results.json"
    write_json_atomic(target, {"score": 1})
    write_json_atomic(target, {"score": 2})
    assert json.loads(target.read_text()) == {"score": 2}
    assert [p.name for p in target.parent.iterdir()] == ["results.json"]
