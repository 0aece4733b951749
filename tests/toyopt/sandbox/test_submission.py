"""Materialising submissions: folders, zips (safely), notebooks; typed errors."""

import json
import os
import stat
import zipfile

import pytest
from sandbox_support import write_package

from toyopt.sandbox import materialise
from toyopt.sandbox.submission import MAX_BYTES, NOTEBOOK_FILE, select_cells
from toyopt_check.inside.errors import ConfigurationError, SubmissionError


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
        # the kit's own modules that the upload lacks are filled in; nothing else
        assert sub.kind == "package" and files == ["exercises/__init__.py", "exercises/data.py",
                                                   "exercises/errors.py", "exercises/model.py"]
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


def test_a_missing_path_is_a_configuration_error(tmp_path):
    with pytest.raises(ConfigurationError, match="submission not found"):
        materialise(tmp_path / "nope")


def test_a_file_of_another_kind_is_a_submission_error_that_says_what_to_submit(tmp_path):
    (tmp_path / "work.txt").write_text("x")
    with pytest.raises(SubmissionError, match="work.txt is not a submission: submit your exercises/ folder"):
        materialise(tmp_path / "work.txt")


def test_the_kit_modules_an_upload_lacks_are_filled_but_not_its_exercises(tmp_path):
    write_package(tmp_path / "sub", {"losses.py": "X = 1\n"})
    sub = materialise(tmp_path / "sub", tmp_path)
    try:
        names = sorted(p.name for p in (sub.scratch_dir / "exercises").iterdir())
        assert names == ["__init__.py", "errors.py", "losses.py", "model.py"]
        assert "errors.py was missing: the kit's copy was used" in sub.notes
    finally:
        sub.remove()


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
    assert sub.kind == "notebook"
    assert cells == [{"index": 1, "source": "def spiral_2d(n):\n    return n"}]


def test_notebook_without_definitions_is_refused(tmp_path):
    path = tmp_path / "work.ipynb"
    path.write_text(json.dumps(notebook([("code", {}, "print(1)")])))
    with pytest.raises(SubmissionError, match="no code cell that defines functions"):
        materialise(path, tmp_path)


# ---------------------------------------------------------------- odd inputs: notes, not crashes
def _odd_zip(path, members):
    """A zip of the package plus `members` ({name: bytes or None for a folder})."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("exercises/__init__.py", "")
        zf.writestr("exercises/data.py", "X = 1\n")
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            if data is None:
                info.external_attr = 0o40755 << 16
                zf.writestr(info, b"")
            else:
                zf.writestr(info, data)
    return path


@pytest.mark.parametrize("members, needle", [
    ({".": b"dot"}, None),
    ({"./": None}, None),
    ({"exercises/" + "n" * 300 + ".py": b"x"}, "longer than 255"),
    ({"exercises/data.py/inner.py": b"x"}, "is a file in the zip and a folder"),
    ({"exercises/data.py": b"again"}, "listed twice"),
    ({"exercises/" + "d/" * 40 + "f.py": b"x"}, "folders deep"),
], ids=["dot", "dot-slash", "overlong", "file-folder-clash", "twice", "deep"])
def test_odd_zip_members_are_skipped_with_a_note(tmp_path, members, needle):
    sub = materialise(_odd_zip(tmp_path / "odd.zip", members), tmp_path)
    try:
        assert (sub.scratch_dir / "exercises" / "data.py").read_text() == "X = 1\n"
        if needle:
            assert any(needle in note for note in sub.notes), sub.notes
    finally:
        sub.remove()


def test_zip_with_undecodable_utf8_names_is_extracted_without_them_crashing(tmp_path):
    path = tmp_path / "names.zip"
    with zipfile.ZipFile(path, "w") as zf:
        info = zipfile.ZipInfo("exercises/data_Z.py")
        info.flag_bits |= 0x800  # "names are UTF-8"
        zf.writestr(info, "X = 1\n")
    path.write_bytes(path.read_bytes().replace(b"data_Z", b"data_\xff"))
    sub = materialise(path, tmp_path)  # zipfile falls back to cp437 for such a name
    names = [p.name for p in (sub.scratch_dir / "exercises").iterdir()
             if p.name not in ("__init__.py", "errors.py", "model.py")]  # the kit's, filled in
    assert len(names) == 1 and names[0].startswith("data_")
    sub.remove()


def test_folder_tree_3000_deep_is_copied_to_a_bound_and_removed(tmp_path):
    from toyopt.sandbox.submission import MAX_DEPTH, remove_tree

    root = write_package(tmp_path / "sub", {"data.py": "X = 1\n"})
    fd = os.open(root / "exercises", os.O_RDONLY)
    for _ in range(3000):  # longer than PATH_MAX: made relative to a folder fd
        os.mkdir("d", dir_fd=fd)
        child = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = child
    os.close(fd)
    sub = materialise(root, tmp_path)
    depth = max(len(p.relative_to(sub.scratch_dir).parts) for p in sub.scratch_dir.rglob("*"))
    assert depth <= MAX_DEPTH + 2
    assert any("folders deep" in note for note in sub.notes)
    sub.remove()
    assert not sub.scratch_dir.exists()
    remove_tree(root)
    assert not root.exists()


def test_non_utf8_file_names_in_a_folder_are_copied_and_shown_safely(tmp_path):
    from toyopt.sandbox.submission import shown

    root = write_package(tmp_path / "sub", {"data.py": "X = 1\n"})
    odd = os.fsdecode(b"caf\xe9.py")
    (root / "exercises" / odd).write_text("")
    (root / "exercises" / "link").symlink_to(root / "exercises")
    sub = materialise(root, tmp_path)
    assert (sub.scratch_dir / "exercises" / odd).exists()
    assert shown(odd) == "caf\\xe9.py"
    assert all(note.encode("utf-8") for note in sub.notes)
    sub.remove()


@pytest.mark.parametrize("cells, needle", [
    ([{"cell_type": "code", "source": 42}], "is a int"),
    ([{"cell_type": "code", "source": ["x = 1\n", 7]}], "is a list"),
    ([{"cell_type": "code", "source": {"a": 1}}], "is a dict"),
    ([{"cell_type": "raw", "source": "import os"}, "not a cell", None], None),
])
def test_notebook_cells_with_odd_sources_are_skipped_with_a_note(cells, needle):
    notes = []
    kept = select_cells([*cells, {"cell_type": "code", "source": "def f():\n    pass\n"}], notes)
    assert [c["source"] for c in kept] == ["def f():\n    pass"]
    if needle:
        assert any(needle in n for n in notes), notes


def test_notebook_nul_source_is_kept_for_the_worker_to_report():
    kept = select_cells([{"cell_type": "code", "source": "def f():\n    return '\0'\n"}], [])
    assert len(kept) == 1


@pytest.mark.parametrize("text, needle", [
    ('{"cells": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
    ("[" + "0," * 2_100_000 + "0]", "too many JSON values"),
    ("\ufeff" + json.dumps({"cells": []}), "no code cell"),
])
def test_odd_notebooks_are_submission_errors(tmp_path, text, needle):
    path = tmp_path / "odd.ipynb"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SubmissionError, match=needle):
        materialise(path, tmp_path)
