"""The sandboxed execute step that replaces nbgrader's: how it is configured, how
it refuses, how the sandbox's outputs come back into the notebook."""

import nbformat
import pytest
from nbformat import v4 as _v4
from traitlets.config.loader import PyFileConfigLoader

from toyopt.nbgrader import execute
from toyopt.nbgrader.course import init_course


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
