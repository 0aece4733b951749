"""The generated source notebook and the runtime of its test cells."""

import ast
import contextlib
import io

import nbformat
import pytest

from toyopt.notebook import DEFAULT_PATH, is_stale, render, write
from toyopt.notebook.build import ANSWER_POINTS, build_notebook, grade_id, notebook_checks
from toyopt_check import cells
from toyopt_check.checks import EXERCISES, core
from toyopt_check.inside.errors import ConfigurationError

#: the hand-graded questions of notebook.md, in order
QUESTIONS = ("initialisation", "loss", "learning_rate", "epochs")


def nbgrader_cells(nb, **flags):
    out = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if meta and all(meta.get(k) == v for k, v in flags.items()):
            out.append(cell)
    return out


@pytest.fixture
def fake_check():
    """A temporary check of spiral_2d that calls the function through the target."""
    def func(target):
        out = target.probe("spiral_2d.fake_shape", n=7)
        if out["n"] != 6:
            raise core.CheckFailure(f"spiral_2d(7): expected 6 points, got {out['n']}")

    from toyopt_check.checks import target as target_mod
    from toyopt_check.inside.probes import load_probes  # noqa: F401  (the import itself is what is tested)

    def probe(ctx, n):
        points, labels = ctx.call("spiral_2d", n)
        return {"n": int(len(points))}

    chk = core.Check("spiral_2d.fake_shape", "spiral_2d", "fake: shape", 2.0, func)
    core.all_checks()  # load the real ones first
    core._REGISTRY.append(chk)
    original = target_mod.load_probes
    target_mod.load_probes = lambda: {**original(), "spiral_2d.fake_shape": probe}
    cells._TARGETS.clear()
    try:
        yield chk
    finally:
        core._REGISTRY.remove(chk)
        target_mod.load_probes = original
        cells._TARGETS.clear()


def test_committed_notebook_is_not_stale(repo_root):
    assert not is_stale(repo_root / DEFAULT_PATH), "the notebook is stale: run `toyopt notebook`"


def test_stale_notebook_is_detected(tmp_path):
    path = write(tmp_path / "nb.ipynb")
    assert not is_stale(path)
    path.write_text(path.read_text().replace("Optimisation and learning", "Optimisation"))
    assert is_stale(path)
    assert is_stale(tmp_path / "missing.ipynb")


def test_render_is_deterministic():
    assert render() == render()


def test_notebook_says_it_is_generated():
    nb = build_notebook()
    assert nb.cells[0].source.startswith("<!-- Generated from toyopt_ref by `toyopt notebook`")
    assert nb.metadata["toyopt"]["generated_by"] == "toyopt notebook"


def test_exercise_cells_are_plain_function_definitions_with_a_solution_region():
    nb = build_notebook()
    solutions = nbgrader_cells(nb, solution=True, grade=False)
    assert [c.metadata.nbgrader.grade_id for c in solutions] == list(EXERCISES)
    for cell, name in zip(solutions, EXERCISES):
        tree = ast.parse(cell.source)
        assert len(tree.body) == 1 and isinstance(tree.body[0], ast.FunctionDef)
        assert tree.body[0].name == name
        assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
        assert cell.cell_type == "code" and cell.metadata.nbgrader["locked"] is False


def test_one_locked_test_cell_per_check_with_its_points(fake_check):
    nb = build_notebook()
    tests = nbgrader_cells(nb, grade=True, solution=False)
    expected = [c for ex in EXERCISES for c in notebook_checks(ex)]
    assert [c.metadata.nbgrader.grade_id for c in tests] == [grade_id(f"test_{c.id}") for c in expected]
    for cell, chk in zip(tests, expected):
        assert cell.metadata.nbgrader["points"] == chk.points and cell.metadata.nbgrader["locked"]
        assert f'ids=["{chk.id}"]' in cell.source
        assert ("### BEGIN HIDDEN TESTS" in cell.source) == (chk.visibility != "visible")


def test_hidden_checks_sit_in_a_hidden_region(fake_check):
    nb = build_notebook(hidden=[fake_check.id])
    cell = next(c for c in nb.cells if c.get("id") == grade_id(f"test_{fake_check.id}"))
    lines = cell.source.splitlines()
    call = lines.index(f'run("spiral_2d", globals(), ids=["{fake_check.id}"])')
    begin, end = lines.index("### BEGIN HIDDEN TESTS"), lines.index("### END HIDDEN TESTS")
    assert begin < call < end
    # the instructor's hidden checks are imported inside the region, which students never get
    imports = [n for n, line in enumerate(lines) if "toyopt." in line.split("#")[0]]
    assert imports and all(begin < n < end for n in imports)


def test_unknown_hidden_id_is_a_configuration_error():
    with pytest.raises(ConfigurationError, match="unknown check id 'spiral_2d.nope'"):
        build_notebook(hidden=["spiral_2d.nope"])


def test_answer_cells_are_manually_graded_markdown():
    answers = nbgrader_cells(build_notebook(), solution=True, grade=True)
    assert [c.metadata.nbgrader.grade_id for c in answers] == [f"answer_{k}" for k in QUESTIONS]
    for cell in answers:
        assert cell.cell_type == "markdown" and cell.metadata.nbgrader["points"] == ANSWER_POINTS


def test_notebook_validates_and_has_no_outputs():
    nb = build_notebook()
    nbformat.validate(nb)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_code_cells_run_in_order_with_the_reference(tmp_path, monkeypatch):
    """Every code cell runs in one namespace (magics skipped, figures not displayed,
    training shortened); the exercise functions defined there are the reference's."""
    monkeypatch.chdir(tmp_path)
    namespace = {"display": lambda *a: None}
    for cell in build_notebook().cells:
        if cell.cell_type != "code" or cell.metadata.get("nbgrader", {}).get("grade"):
            continue
        source = "\n".join(line for line in cell.source.splitlines() if not line.startswith("%"))
        source = source.replace("from IPython.display import display", "").replace("epochs = 1000", "epochs = 20")
        exec(compile(source, cell.get("id", "cell"), "exec"), namespace)
    assert all(callable(namespace[name]) for name in EXERCISES)
    assert namespace["log"].epochs == 20


def test_run_passes_silently_on_the_reference(fake_check):
    from toyopt_ref import data

    namespace = {"spiral_2d": data.spiral_2d}
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert cells.run("spiral_2d", namespace, ids=[fake_check.id]) is None
    assert err.getvalue() == ""
    assert out.getvalue().startswith("passed   spiral_2d: fake: shape (2/2 points)")


def test_run_raises_check_failed_with_the_student_message(fake_check):
    def spiral_2d(n):
        import warnings

        warnings.warn("noise from the student", stacklevel=1)
        print("debug print")
        return [[0, 0]] * n, [0] * n

    err = io.StringIO()
    expected = r"spiral_2d\(7\): expected 6 points, got 7"
    with contextlib.redirect_stderr(err), pytest.raises(AssertionError, match=expected):
        cells.run("spiral_2d", {"spiral_2d": spiral_2d}, ids=[fake_check.id])
    assert err.getvalue() == ""


def test_run_reports_a_missing_function(fake_check):
    with pytest.raises(cells.TestCellFailed, match="does not define spiral_2d"):
        cells.run("spiral_2d", {}, ids=[fake_check.id])


@pytest.mark.parametrize("exercise, ids, message", [
    ("spiral", None, "unknown exercise 'spiral'"),
    ("spiral_2d", ["spiral_2d.nope"], "unknown check 'spiral_2d.nope'"),
])
def test_bad_selection_is_a_configuration_error(exercise, ids, message):
    with pytest.raises(ConfigurationError, match=message):
        cells.select(exercise, ids)


def test_notebook_imports_nothing_of_the_reference_nor_instructor_modules():
    """What the release keeps (all but the hidden regions) runs where only the student
    runtime exists: its code imports no `toyopt_ref` and no `toyopt` module."""
    import re

    for cell in build_notebook().cells:
        if cell.cell_type != "code":
            continue
        kept = re.sub(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", "", cell.source, flags=re.S)
        source = "\n".join(line for line in kept.splitlines() if not line.startswith(("%", "!")))
        for node in ast.walk(ast.parse(source)):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                top = name.split(".")[0]
                assert top != "toyopt_ref", (cell.get("id"), name)
                assert top != "toyopt", (cell.get("id"), name)


def test_a_setup_cell_mixing_imports_and_statements_keeps_its_imports_for_grading():
    """`toyopt grade NOTEBOOK` runs the definitions of every cell: the setup cell's
    imports and assignments are kept (same line numbers), its prints and seeds dropped."""
    from toyopt.sandbox.submission import select_cells

    setup = "import numpy as np\nnp.random.seed(0)\nK = np.int64(2)\nprint('hello')\n"
    notes = []
    cells = select_cells([{"cell_type": "code", "metadata": {}, "source": setup}], notes)
    assert cells[0]["source"].splitlines() == ["import numpy as np", "", "K = np.int64(2)"]
    assert notes == ["cell 1: ran only its imports and definitions"]


def test_untouched_exercise_in_a_notebook_names_its_cell_not_a_package_file(fake_check):
    def spiral_2d(num_points):
        raise NotImplementedError("spiral_2d: not implemented yet")

    with pytest.raises(cells.TestCellFailed) as failed:
        cells.run("spiral_2d", {"spiral_2d": spiral_2d}, ids=[fake_check.id])
    assert str(failed.value) == ("spiral_2d: not implemented yet: complete spiral_2d() in its solution cell "
                                 "of the notebook (it still raises NotImplementedError)")


def test_test_cell_failure_renders_as_its_messages_alone_under_ipython():
    """IPython shows an exception's `_render_traceback_` lines instead of frames."""
    error = cells.TestCellFailed("spiral_2d(7): expected 6 points, got 7")
    assert error._render_traceback_() == ["TestCellFailed: spiral_2d(7): expected 6 points, got 7"]
