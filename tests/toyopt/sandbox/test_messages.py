"""What a student reads when their code cannot load or raises: the exercise, the
file and line, their own frames only -- never the grader's internals."""

import json

import pytest
from sandbox_support import PROBES, worker_for

from toyopt.sandbox import Worker, materialise
from toyopt_check.inside.errors import GraderError
from toyopt_check.inside.runtime import StudentCodeError

pytestmark = pytest.mark.filterwarnings("ignore::toyopt.sandbox.SandboxWarning")


def failure(worker, exercise="spiral_2d", args=(1,)) -> StudentCodeError:
    with pytest.raises(StudentCodeError) as info:
        worker.call("call", 10, exercise=exercise, args=list(args))
    return info.value


def test_load_errors_name_the_file_and_the_cause(tmp_path):
    src = {"data.py": "def spiral_2d(n)\n    return n\n",
           "losses.py": "import not_a_module_anywhere\n",
           "plotting.py": "def something_else():\n    pass\n",
           "training.py": "x = 1 / 0\n"}
    with worker_for(tmp_path, "auto", src) as worker:
        messages = {name: str(failure(worker, name)) for name in
                    ("spiral_2d", "circular_mse", "plot_datasets", "epoch_loop")}
    assert messages == {
        "spiral_2d": "exercises/data.py failed to import: SyntaxError: expected ':' "
                     "(data.py, line 1)",
        "circular_mse": "exercises/losses.py failed to import: ModuleNotFoundError: No module "
                        "named 'not_a_module_anywhere' (exercises/losses.py, line 1)",
        "plot_datasets": "exercises/plotting.py does not define plot_datasets",
        "epoch_loop": "exercises/training.py failed to import: ZeroDivisionError: division by "
                      "zero (exercises/training.py, line 1)",
    }


def test_missing_module_is_named(tmp_path):
    with worker_for(tmp_path, "auto", {}) as worker:
        assert str(failure(worker)) == ("exercises/data.py is missing from the submission "
                                        "(submit the whole exercises/ folder)")


def test_student_exception_shows_only_student_frames(tmp_path):
    src = {"data.py": "from .helpers import half\ndef spiral_2d(n):\n    return half(n)\n",
           "helpers.py": "def half(n):\n    raise ValueError(f'bad n={n}')\n"}
    with worker_for(tmp_path, "auto", src) as worker:
        exc = failure(worker, args=(7,))
    assert exc.kind == "exception"  # the innermost of the student's own frames is named
    assert exc.message == "ValueError: bad n=7 (exercises/helpers.py, line 2, in half: raise ValueError(f'bad n={n}'))"
    assert "worker.py" not in str(exc) and "probes.py" not in str(exc)


def test_not_implemented_stub_is_its_own_kind(tmp_path):
    src = {"data.py": "def spiral_2d(n):\n    raise NotImplementedError('TODO')\n"}
    with worker_for(tmp_path, "auto", src) as worker:
        assert failure(worker).kind == "not_implemented"


def test_unknown_probe_is_a_grader_error(tmp_path):
    with worker_for(tmp_path, "auto", {}) as worker:
        with pytest.raises(GraderError, match="no probe 'nope'"):
            worker.call("nope", 5)


def test_broken_probe_module_is_a_grader_error(tmp_path):
    probes = tmp_path / "probes.py"
    probes.write_text("PROBES = {'x': undefined_name}\n")
    (tmp_path / "scratch").mkdir()
    with pytest.raises(GraderError, match="NameError"):
        with Worker(tmp_path / "scratch", probes):
            pass


def test_notebook_cells_run_in_one_namespace_and_failures_are_recorded(tmp_path):
    cells = [
        {"cell_type": "code", "metadata": {}, "source": "import numpy as np\nSCALE = 2\n"},
        {"cell_type": "code", "metadata": {"nbgrader": {"solution": True}},
         "source": "def spiral_2d(n):\n    return np.arange(n) * SCALE\n"},
        {"cell_type": "code", "metadata": {}, "source": "def circular_mse(a, b:\n    pass\n"},
        {"cell_type": "code", "metadata": {}, "source": "X = 1 / 0\n"},
    ]
    path = tmp_path / "work.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4}))
    sub = materialise(path, tmp_path)
    with Worker(sub.scratch_dir, PROBES) as worker:
        assert worker.call("call", 10, exercise="spiral_2d", args=[3])["value"].tolist() == [0, 2, 4]
        message = str(failure(worker, "circular_mse"))
    assert message.startswith("the notebook does not define circular_mse; cell 3 failed: "
                              "SyntaxError: ")
    assert "cell 4 failed: ZeroDivisionError: division by zero (<cell 4>, line 1)" in message
