"""Materialising submissions: folders, zips (safely), notebooks; typed errors."""

import json
import stat
import zipfile

import pytest

from sandbox_support import write_package
from toyopt.errors import ConfigurationError, SubmissionError
from toyopt.sandbox import materialise
from toyopt.sandbox.submission import MAX_BYTES, NOTEBOOK_FILE, select_cells


def notebook(cells) -> dict:
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": kind, "metadata": meta, "source": src, "outputs": []}
        for kind, meta, src in cells]}


SOLUTION = {"nbgrader": {"grade_id": "a", "solution": True, "grade": False}}
TEST = {"nbgrader": {"grade_id": "t", "solution": False, "grade": True, "points": 1}}


@pytest.mark.parametrize("layout", ["parent", "exercises", "zip-parent", "zip-contents",
                                    "zip-wrapped"])
def test_package_layouts_give_the_same_scratch(tmp_path, layout):
    root = write_package(tmp_path / "sub", {"data.py": "X = 1\n"})
    (root / "exercises" / "__pycache__").mkdir()
    (root / "exercises" / "__pycache__" / "data.cpython-311.pyc").write_bytes(b"stale")
    (root / "conftest.py").write_text("raise SystemExit")  # never copied
    source = root if layout == "parent" else root / "exercises"
    if layout.startswith("zip"):
        source = tmp_path / "sub.zip"
        prefix = {"zip-parent": "exercises/", "zip-contents": "", "zip-wrapped": "sub/exercises/"}
        with zipfile.ZipFile(source, "w") as zf:
            zf.writestr(f"{prefix[layout]}__init__.py", "")
            zf.writestr(f"{prefix[layout]}data.py", "X = 1\n")
    sub = materialise(source, tmp_path)
    try:
        files = sorted(p.relative_to(sub.scratch_dir).as_posix()
                       for p in sub.scratch_dir.rglob("*") if p.is_file())
        assert sub.kind == "package" and files == ["exercises/__init__.py", "exercises/data.py"]
    finally:
        sub.remove()
    assert not sub.scratch_dir.exists()


def test_symlinks_in_a_folder_are_not_followed(tmp_path):
    root = write_package(tmp_path / "sub", {"data.py": "X = 1\n"})
    (root / "exercises" / "secret.py").symlink_to("/etc/passwd")
    sub = materialise(root, tmp_path)
    assert not (sub.scratch_dir / "exercises" / "secret.py").exists()
    assert any("secret.py" in note for note in sub.notes)


@pytest.mark.parametrize("name", ["/etc/evil.py", "../evil.py", "exercises/../../evil.py",
                                  "C:/evil.py", "exercises\\..\\evil.py"])
def test_zip_with_unsafe_paths_is_refused(tmp_path, name):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(name, "x")
    with pytest.raises(SubmissionError, match="unsafe path"):
        materialise(archive, tmp_path)
    assert not (tmp_path.parent / "evil.py").exists()


def test_zip_with_a_symlink_is_refused(tmp_path):
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        info = zipfile.ZipInfo("exercises/data.py")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(SubmissionError, match="symbolic link"):
        materialise(archive, tmp_path)


def test_zip_bomb_is_stopped_while_extracting(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("exercises/data.py", b"\0" * (MAX_BYTES + 1))
    assert archive.stat().st_size < 1 << 20
    with pytest.raises(SubmissionError, match="expands to more than"):
        materialise(archive, tmp_path)
    assert not list(tmp_path.glob("toyopt-*"))  # staging and scratch cleaned up


def test_corrupt_zip_is_a_submission_error(tmp_path):
    archive = tmp_path / "broken.zip"
    archive.write_bytes(b"PK\x03\x04 definitely not a zip")
    with pytest.raises(SubmissionError, match="broken.zip is not a valid zip file"):
        materialise(archive, tmp_path)


def test_bad_paths_are_configuration_errors(tmp_path):
    with pytest.raises(ConfigurationError, match="submission not found"):
        materialise(tmp_path / "nope")
    (tmp_path / "work.txt").write_text("x")
    with pytest.raises(ConfigurationError, match="expected a folder, a .zip or a .ipynb"):
        materialise(tmp_path / "work.txt")


def test_folder_without_exercises_names_the_problem(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(SubmissionError, match="holds no exercises/ package and no notebook"):
        materialise(tmp_path / "empty", tmp_path)


def test_notebook_not_json_is_a_submission_error(tmp_path):
    path = tmp_path / "work.ipynb"
    path.write_text("{ not json")
    with pytest.raises(SubmissionError, match="work.ipynb is not valid JSON"):
        materialise(path, tmp_path)


def test_notebook_cells_are_selected_by_metadata_and_ast():
    notes = []
    nb = notebook([
        ("markdown", {}, "# title"),
        ("code", {}, ["import numpy as np\n", "%matplotlib inline\n", "K = 2\n"]),
        ("code", SOLUTION, "def spiral_2d(n):\n    return n\nprint('solution cells run whole')"),
        ("code", TEST, "assert spiral_2d(2) == 2"),
        ("code", {}, "spiral_2d(3)"),
        ("code", {}, "!pip install evil\ndef helper():\n    return 1"),
        ("code", {}, "def broken(:\n    pass"),
    ])
    cells = select_cells(nb["cells"], notes)
    assert [c["index"] for c in cells] == [2, 3, 6, 7]
    assert "%matplotlib" not in cells[0]["source"] and "pip" not in cells[2]["source"]
    assert notes == ["cell 4: skipped (nbgrader test cell)",
                     "cell 5: skipped (runs statements, not only definitions)"]


def test_notebook_submission_writes_its_cells(tmp_path):
    path = tmp_path / "work.ipynb"
    path.write_text(json.dumps(notebook([("code", {}, "def spiral_2d(n):\n    return n\n")])))
    sub = materialise(path, tmp_path)
    cells = json.loads((sub.scratch_dir / NOTEBOOK_FILE).read_text())["cells"]
    assert sub.kind == "notebook" and sub.notebook == NOTEBOOK_FILE
    assert cells == [{"index": 1, "source": "def spiral_2d(n):\n    return n"}]


def test_notebook_without_definitions_is_refused(tmp_path):
    path = tmp_path / "work.ipynb"
    path.write_text(json.dumps(notebook([("code", {}, "print(1)")])))
    with pytest.raises(SubmissionError, match="no code cell that defines functions"):
        materialise(path, tmp_path)
