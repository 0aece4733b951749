import importlib
import sys
import textwrap

import pytest

from toyopt.release.stubs import SolutionRegionError, render_exercises, stale_files, stub_source


def test_committed_exercises_are_not_stale(repo_root):
    stale = stale_files(repo_root / "exercises")
    assert stale == [], f"exercises/ is stale ({stale}): run `toyopt release`"


def test_stale_file_is_detected(tmp_path, repo_root):
    for name, content in render_exercises().items():
        (tmp_path / name).write_text(content)
    assert stale_files(tmp_path) == []
    (tmp_path / "data.py").write_text((tmp_path / "data.py").read_text() + "\n# edited\n")
    (tmp_path / "losses.py").unlink()
    assert stale_files(tmp_path) == ["data.py", "losses.py"]


def test_stubs_hold_no_solution_and_raise_not_implemented():
    files = render_exercises()
    for content in files.values():
        assert "BEGIN SOLUTION" not in content and "END SOLUTION" not in content
        assert content.startswith("# Generated from toyopt_ref/")
    for name, func in [("data.py", "spiral_2d"), ("plotting.py", "plot_datasets"),
                       ("losses.py", "circular_mse"), ("training.py", "epoch_loop")]:
        assert f'raise NotImplementedError("{func}: not implemented yet")' in files[name]
    # the solution bodies are gone, the contracts stay
    assert "np.random.uniform(-SPIRAL_NOISE, SPIRAL_NOISE, (2 * half, 2))" not in files["data.py"]
    assert "Contract (what the autograder checks)" in files["data.py"]


def test_stub_package_imports_and_non_exercise_code_runs(tmp_path, monkeypatch):
    pkg = tmp_path / "exercises"
    pkg.mkdir()
    for name, content in render_exercises().items():
        (pkg / name).write_text(content)
    monkeypatch.syspath_prepend(str(tmp_path))
    # an earlier test's `exercises` (an in-process target leaves its package
    # imported) must not stand in for these stubs; monkeypatch puts it back
    for name in [m for m in sys.modules if m == "exercises" or m.startswith("exercises.")]:
        monkeypatch.delitem(sys.modules, name)

    try:
        data = importlib.import_module("exercises.data")
        model = importlib.import_module("exercises.model")
        assert data.__file__ == str(pkg / "data.py")
        assert data.circular_2d(10)[0].shape == (10, 2)
        assert model.Simple2DNetwork() is not None
        with pytest.raises(NotImplementedError, match="spiral_2d: not implemented yet"):
            data.spiral_2d(10)
    finally:  # drop the stubs; monkeypatch then restores what was there before
        for name in [m for m in sys.modules if m == "exercises" or m.startswith("exercises.")]:
            del sys.modules[name]


@pytest.mark.parametrize("source, message", [
    ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", "never closed"),
    ("def f():\n    ### END SOLUTION\n", "without"),
    ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n", "outside a function"),
    ("def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n", "nested"),
])
def test_malformed_regions_are_reported_with_their_line(source, message):
    with pytest.raises(SolutionRegionError, match=message):
        stub_source(source, "m.py")


def test_region_keeps_indentation():
    src = textwrap.dedent("""\
        class A:
            def f(self):
                \"\"\"doc\"\"\"
                ### BEGIN SOLUTION
                return 1
                ### END SOLUTION
        """)
    out = stub_source(src)
    assert '        raise NotImplementedError("f: not implemented yet")\n' in out
    compile(out, "x", "exec")


def test_stub_texts_send_students_to_no_file_they_do_not_have():
    for name, content in render_exercises().items():
        assert "edit toyopt_ref" not in content, name
        assert "repository's root" not in content, name
    assert "from the folder that holds ``exercises/``" in render_exercises()["__init__.py"]


def test_kit_notebook_names_no_instructor_package_or_generator():
    import json

    from toyopt.notebook import render
    from toyopt.release.kit import KIT_NOTEBOOK_HEADER, student_notebook

    nb = json.loads(student_notebook(render()))
    text = "\n".join("".join(c["source"]) for c in nb["cells"])
    assert text.startswith(KIT_NOTEBOOK_HEADER)
    for stale in ("toyopt_ref", "toyopt notebook", "imported from `exercises`"):
        assert stale not in text, stale


def test_check_outside_the_repository_says_so_in_one_line(tmp_path, monkeypatch, capsys):
    from toyopt.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["release", "--check"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "no folder exercises/ here" in err
    assert "stale" not in err
