"""`toyopt nbgrader init` and the feedback preprocessor (fast; the real
nbgrader run is in test_nbgrader_e2e.py)."""

import nbformat
import pytest
from traitlets.config.loader import PyFileConfigLoader

from toyopt.cli import main
from toyopt.nbgrader.course import CELL_TIMEOUT, WARNING_PATTERN, CourseExistsError, init_course
from toyopt.nbgrader.feedback import HideHiddenTests, strip_hidden
from toyopt.notebook import render
from toyopt_check.inside.errors import ConfigurationError


def test_init_writes_config_gitignore_and_source_notebook(tmp_path):
    course = init_course(tmp_path / "c", assignment="week3", course_id="ml101")
    assert course.notebook == tmp_path / "c" / "source" / "week3" / "optimisation_and_learning.ipynb"
    assert course.notebook.read_text() == render()
    assert "gradebook.db" in (tmp_path / "c" / ".gitignore").read_text()


def test_config_sets_course_gradebook_timeout_ignore_pattern_and_feedback(tmp_path):
    course = init_course(tmp_path / "c", course_id="ml101")
    loader = PyFileConfigLoader(course.config.name, path=str(course.config.parent))
    config = loader.load_config()
    root = str(course.root.resolve())
    assert config.CourseDirectory.course_id == "ml101"
    assert config.CourseDirectory.root == root
    assert config.CourseDirectory.db_url == f"sqlite:///{root}/gradebook.db"
    assert config.Execute.timeout == CELL_TIMEOUT
    assert config.IgnorePattern.enabled is True and config.IgnorePattern.pattern == WARNING_PATTERN
    assert HideHiddenTests in config.GenerateFeedback.preprocessors


@pytest.mark.parametrize("text, ignored", [
    ("/x/y.py:3: UserWarning: something\n  warnings.warn(...)\n", True),
    ("DeprecationWarning: np.cross\n", True),
    ("my own message on stderr\n", False),
])
def test_warning_pattern_matches_library_warnings_only(text, ignored):
    import re

    assert bool(re.search(WARNING_PATTERN, text)) == ignored


def test_init_refuses_a_non_empty_folder_without_force(tmp_path):
    init_course(tmp_path / "c")
    (tmp_path / "c" / "gradebook.db").write_text("grades")
    with pytest.raises(CourseExistsError, match="not empty"):
        init_course(tmp_path / "c")
    init_course(tmp_path / "c", force=True)
    assert (tmp_path / "c" / "gradebook.db").read_text() == "grades"


@pytest.mark.parametrize("kwargs, message", [
    ({"assignment": "week 3"}, "invalid assignment name"),
    ({"assignment": "../up"}, "invalid assignment name"),
    ({"course_id": ""}, "invalid course id"),
])
def test_init_rejects_bad_names_before_writing(tmp_path, kwargs, message):
    with pytest.raises(ConfigurationError, match=message):
        init_course(tmp_path / "c", **kwargs)
    assert not (tmp_path / "c").exists()


def test_init_rejects_a_file_as_folder(tmp_path):
    (tmp_path / "f").write_text("")
    with pytest.raises(ConfigurationError, match="not a folder"):
        init_course(tmp_path / "f")


def test_cli_reports_an_existing_course_in_one_line(tmp_path, capsys):
    assert main(["nbgrader", "init", str(tmp_path / "c")]) == 0
    assert main(["nbgrader", "init", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("toyopt nbgrader: error: ") and "--force" in err


def test_cli_notebook_check_fails_on_a_stale_file(tmp_path, capsys):
    path = tmp_path / "nb.ipynb"
    assert main(["notebook", "--out", str(path), "--check"]) == 1
    assert main(["notebook", "--out", str(path)]) == 0
    assert main(["notebook", "--out", str(path), "--check"]) == 0


def test_strip_hidden_removes_regions_with_their_delimiters():
    source = "a\n### BEGIN HIDDEN TESTS\nsecret()\n### END HIDDEN TESTS\nb"
    assert strip_hidden(source) == ("a\nb", True)
    assert strip_hidden("a\nb") == ("a\nb", False)


def test_feedback_preprocessor_hides_source_and_traceback_of_hidden_tests():
    cell = nbformat.v4.new_code_cell("from x import run\n### BEGIN HIDDEN TESTS\nrun('secret')\n### END HIDDEN TESTS")
    cell.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="wrong answer",
                                           traceback=["----> 3 run('secret')", "AssertionError: wrong answer"])]
    visible = nbformat.v4.new_code_cell("run('open')")
    visible.outputs = [nbformat.v4.new_output("error", ename="E", evalue="v", traceback=["----> run('open')"])]
    nb = nbformat.v4.new_notebook(cells=[cell, visible])
    nb, _ = HideHiddenTests().preprocess(nb, {})
    assert "secret" not in nbformat.writes(nb)
    assert nb.cells[0].outputs[0].traceback == ["AssertionError: wrong answer"]
    assert nb.cells[1].outputs[0].traceback == ["----> run('open')"]  # visible cells untouched


# ----------------------------------------------------------------------------- SandboxedExecute
from nbformat import v4 as _v4  # noqa: E402  (this half of the module tests the execute step)

from toyopt.nbgrader import execute  # noqa: E402  (as above)


def test_config_replaces_execute_by_the_sandboxed_step(tmp_path):
    course = init_course(tmp_path / "c")
    config = PyFileConfigLoader(course.config.name, path=str(course.config.parent)).load_config()
    chain = config.Autograde.autograde_preprocessors
    assert chain[0] is execute.SandboxedExecute
    assert all(getattr(p, "__name__", "") != "Execute" for p in chain)
    assert config.OverwriteCells.add_missing_cells is True
    assert "in_kernel" not in config.SandboxedExecute  # in-kernel grading is opt-in only


def test_without_bubblewrap_autograde_refuses_in_one_line_naming_the_package(monkeypatch):
    import toyopt.sandbox

    monkeypatch.setattr(toyopt.sandbox, "bwrap_works", lambda: False)
    with pytest.raises(execute.SandboxUnavailable) as info:
        execute.SandboxedExecute().preprocess(_v4.new_notebook(), {"nbgrader": {}})
    message = str(info.value)
    assert "\n" not in message and "'bubblewrap' package" in message
    assert "c.SandboxedExecute.in_kernel = True" in message


def test_in_kernel_grading_says_so_on_the_feedback(monkeypatch):
    monkeypatch.setattr(execute.Execute, "preprocess", lambda self, nb, res: (nb, res))
    step = execute.SandboxedExecute(in_kernel=True)
    nb, _ = step.preprocess(_v4.new_notebook(cells=[_v4.new_code_cell("1")]), {})
    assert nb.cells[0].cell_type == "markdown" and "not in the sandbox" in nb.cells[0].source


@pytest.mark.parametrize("source, expected", [
    ('from toyopt_check.cells import run\n\nrun("spiral_2d", globals(), ids=["spiral_2d.layout"])',
     ("spiral_2d", ["spiral_2d.layout"])),
    ('from x import run\n### BEGIN HIDDEN TESTS\nrun("epoch_loop", globals())\n### END HIDDEN TESTS',
     ("epoch_loop", None)),
    ("assert f(2) == 4", None),
    ("def broken(:", None),
])
def test_checks_are_read_from_the_gradebook_source_of_a_test_cell(source, expected):
    assert execute.checks_of_source(source) == expected


def test_outputs_from_the_sandbox_are_rebuilt_and_capped():
    import base64

    from toyopt_check.inside.notebook_cells import MAX_CELL_CHARS, MAX_TOTAL_CHARS

    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(24)).decode()
    raw = [
        {"output_type": "stream", "name": "stdout", "text": "x" * (MAX_CELL_CHARS + 10)},
        {"output_type": "stream", "name": "evil", "text": "dropped"},
        {"output_type": "display_data", "data": {"text/html": "<script>", "image/png": png,
                                                 "text/plain": "fig"}, "metadata": {"x": 1}},
        {"output_type": "display_data", "data": {"image/png": "bm90IGEgcG5n"}},  # not a PNG
        {"output_type": "error", "ename": "E", "evalue": "v", "traceback": ["a"] * 50},
        "not a dict",
    ]
    budget = [MAX_TOTAL_CHARS]
    out = execute.clean_outputs(raw, 3, budget)
    assert [o.output_type for o in out] == ["stream", "display_data", "error"]
    assert len(out[0].text) == MAX_CELL_CHARS
    assert set(out[1].data) == {"image/png", "text/plain"} and out[1].metadata == {}
    assert len(out[2].traceback) == execute.MAX_TRACEBACK_LINES
    for o in out:
        nbformat.validate(_v4.new_notebook(cells=[_v4.new_code_cell("", outputs=[o])]))
    assert execute.clean_outputs({"not": "a list"}, 1, budget) == []


def test_a_duplicated_test_cell_becomes_a_plain_cell_not_a_broken_one():
    from toyopt.nbgrader.sanitize import DropEmptyMetadata

    twin = _v4.new_code_cell("run(...)", metadata={"nbgrader": {}})
    kept = _v4.new_code_cell("x", metadata={"nbgrader": {"grade_id": "test_a", "grade": True}})
    nb, _ = DropEmptyMetadata().preprocess(_v4.new_notebook(cells=[twin, kept]), {})
    assert "nbgrader" not in nb.cells[0].metadata and nb.cells[1].metadata.nbgrader["grade_id"] == "test_a"


def test_checks_in_the_nbgrader_process_write_no_hypothesis_cache_in_the_course(tmp_path, monkeypatch):
    from hypothesis import configuration

    monkeypatch.chdir(tmp_path)
    with execute._hypothesis_home():
        inside = str(configuration.storage_directory("x").path)
    assert not inside.startswith(str(tmp_path)) and "toyopt-hypothesis-" in inside
