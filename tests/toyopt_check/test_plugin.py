"""`pytest autograder` end to end, in a subprocess, on the reference, on
stubs, on a hanging submission and without an exercises/ folder.

Only the rows of spiral_2d and plot_datasets are asserted on (``-k`` keeps
the runs to those exercises), so these tests do not depend on the checks
of the other exercises.
"""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from grade_support import ROOT

MINE = "spiral_2d or plot_datasets"

STUB = '''
def {name}(*args, **kwargs):
    raise NotImplementedError("{name}: not written yet")
'''


def run_autograder(*args, cwd=ROOT, timeout=300):
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", str(ROOT / "autograder"),
           "-k", MINE, *args]
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def make_submission(root: Path, data=None, plotting=None) -> Path:
    pkg = root / "exercises"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "data.py").write_text(data or STUB.format(name="spiral_2d"))
    (pkg / "plotting.py").write_text(plotting or STUB.format(name="plot_datasets"))
    (pkg / "losses.py").write_text(STUB.format(name="circular_mse"))
    (pkg / "training.py").write_text(STUB.format(name="epoch_loop"))
    return root


def table_row(stdout: str, exercise: str) -> list[str]:
    rows = [line.split() for line in stdout.splitlines() if line.startswith(exercise + " ")]
    assert len(rows) == 1, stdout
    return rows[0]


def test_reference_gets_full_marks_on_spiral_and_plot(tmp_path):
    results = tmp_path / "out" / "results.json"
    proc = run_autograder("--target", "toyopt_ref", "--results", str(results))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "autograder score" in proc.stdout
    assert table_row(proc.stdout, "spiral_2d")[:4] == ["spiral_2d", "25", "/", "25"]
    assert table_row(proc.stdout, "plot_datasets")[:4] == ["plot_datasets", "25", "/", "25"]
    assert table_row(proc.stdout, "total")[:4] == ["total", "50", "/", "50"]
    data = json.loads(results.read_text())
    assert (data["score"], data["max_score"]) == (50, 50)
    assert {t["tags"][0] for t in data["tests"]} == {"spiral_2d", "plot_datasets"}
    assert all(t["status"] == "passed" and t["score"] == t["max_score"] for t in data["tests"])
    assert sum(t["max_score"] for t in data["tests"] if t["tags"] == ["spiral_2d"]) == 25


def test_stubs_score_zero_with_not_implemented_yet_and_no_traceback(tmp_path):
    sub = make_submission(tmp_path / "student")
    results = tmp_path / "results.json"
    proc = run_autograder("--submission", str(sub), "--results", str(results))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert table_row(proc.stdout, "spiral_2d")[:4] == ["spiral_2d", "0", "/", "25"]
    assert table_row(proc.stdout, "plot_datasets")[:4] == ["plot_datasets", "0", "/", "25"]
    assert "Traceback" not in proc.stdout and "toyopt/checks" not in proc.stdout
    data = json.loads(results.read_text())
    assert data["score"] == 0 and data["max_score"] == 50
    for test in data["tests"]:
        assert test["status"] == "failed"
        assert "not implemented yet" in test["output"], test
        assert test["tags"][0] in test["output"]


def test_default_target_grades_exercises_in_the_current_folder(tmp_path):
    make_submission(tmp_path)
    proc = run_autograder(cwd=tmp_path)
    assert "not implemented yet" in proc.stdout
    assert table_row(proc.stdout, "spiral_2d")[:4] == ["spiral_2d", "0", "/", "25"]


def test_missing_submission_folder_is_a_clear_usage_error(tmp_path):
    results = tmp_path / "results.json"
    proc = run_autograder("--submission", str(tmp_path), "--results", str(results))
    assert proc.returncode == 4, proc.stdout + proc.stderr
    assert "no exercises/ folder found in --submission" in proc.stderr
    assert json.loads(results.read_text())["score"] == 0


def test_no_exercises_folder_in_cwd_or_rootdir_is_a_clear_usage_error(tmp_path):
    shutil.copytree(ROOT / "autograder", tmp_path / "autograder",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "autograder"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 4, proc.stdout + proc.stderr
    assert "no exercises/ folder found in the current folder" in proc.stderr
    assert "--submission PATH" in proc.stderr


def message_lines(stdout: str, start: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith(start)]


def test_released_stubs_score_zero_with_one_message_per_exercise():
    proc = run_autograder(cwd=ROOT)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert table_row(proc.stdout, "spiral_2d")[:4] == ["spiral_2d", "0", "/", "25"]
    assert table_row(proc.stdout, "plot_datasets")[:4] == ["plot_datasets", "0", "/", "25"]
    for exercise in ("spiral_2d", "plot_datasets"):
        assert len(message_lines(proc.stdout, f"{exercise}: not implemented yet")) == 1, proc.stdout
    assert "2 failed" in proc.stdout.splitlines()[-1] and "not run" in proc.stdout.splitlines()[-1]
    assert "Traceback" not in proc.stdout


def test_infinite_loop_costs_its_exercise_once_within_the_budget(tmp_path):
    hang = "def spiral_2d(num_points):\n    while True:\n        pass\n"
    sub = make_submission(tmp_path / "student", data=hang)
    proc = run_autograder("--submission", str(sub), "--time-budget", "1.5", "-k", "spiral_2d",
                          timeout=120)
    assert proc.returncode == 1
    assert len(message_lines(proc.stdout, "spiral_2d: ")) == 1, proc.stdout  # one message, not one a check
    assert "stopped after 1.5 s" in message_lines(proc.stdout, "spiral_2d: ")[0]
    assert "1 failed" in proc.stdout.splitlines()[-1] and "not run" in proc.stdout.splitlines()[-1]
    assert table_row(proc.stdout, "spiral_2d")[:4] == ["spiral_2d", "0", "/", "25"]


def test_student_failure_message_reaches_pytest_output(tmp_path):
    data = textwrap.dedent('''
        import numpy as np

        def spiral_2d(num_points):
            h = num_points // 2
            return np.zeros((2 * h, 2)), np.repeat([1, 0], h)
    ''')
    sub = make_submission(tmp_path / "student", data=data)
    proc = run_autograder("--submission", str(sub), "-k", "spiral_2d and layout")
    assert "spiral_2d(2): expected 1 labels 0 then 1 labels 1" in proc.stdout, proc.stdout
    assert "Traceback" not in proc.stdout


@pytest.mark.parametrize("args, complaint", [
    (["--time-budget", "soon"], "invalid --time-budget 'soon': expected a number of seconds"),
    (["--time-budget", "inf"], "invalid --time-budget 'inf': must be a finite number of seconds > 0"),
    (["--target", "toyopt_ref", "--submission", "."], "cannot be combined"),
])
def test_bad_options_say_which_option(args, complaint):
    proc = run_autograder(*args)
    assert proc.returncode == 4
    assert complaint in proc.stderr
