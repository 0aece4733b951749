"""`python -m toyopt_check.pack`: the student's one command to make what the grader accepts."""

import zipfile

import pytest

from toyopt.release.stubs import render_exercises
from toyopt.sandbox.submission import materialise
from toyopt_check.pack import PACKAGE_FILES, PackError, main, pack


@pytest.fixture
def kit_folder(tmp_path):
    package = tmp_path / "kit" / "exercises"
    package.mkdir(parents=True)
    for name, content in render_exercises().items():
        (package / name).write_text(content)
    return tmp_path / "kit"


def test_pack_zips_the_exercises_package_and_nothing_else(kit_folder, tmp_path):
    (kit_folder / "exercises" / "__pycache__").mkdir()
    (kit_folder / "exercises" / "__pycache__" / "data.cpython-311.pyc").write_bytes(b"\0")
    (kit_folder / "exercises" / "notes.txt").write_text("scratch")
    (kit_folder / "exercises" / "helpers.py").write_text("X = 1\n")
    (kit_folder / "exercises" / "linked.py").symlink_to(tmp_path / "outside.py")
    (tmp_path / "outside.py").write_text("SECRET = 1\n")
    (kit_folder / "README.md").write_text("not packed")
    out, names = pack(kit_folder, tmp_path / "submission.zip")
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == names
    assert names == sorted(f"exercises/{n}" for n in (*PACKAGE_FILES, "helpers.py"))


def test_pack_twice_gives_the_same_bytes(kit_folder, tmp_path):
    first = pack(kit_folder, tmp_path / "a.zip")[0].read_bytes()
    assert pack(kit_folder, tmp_path / "b.zip")[0].read_bytes() == first


def test_packed_zip_is_a_package_submission_for_the_grader(kit_folder, tmp_path):
    out, _ = pack(kit_folder, tmp_path / "submission.zip")
    submission = materialise(out, tmp_path)
    try:
        assert submission.kind == "package"
        assert {p.name for p in (submission.scratch_dir / "exercises").iterdir()} >= set(PACKAGE_FILES)
    finally:
        submission.remove()


def test_pack_refuses_a_package_with_modules_missing_and_names_them(kit_folder, tmp_path):
    (kit_folder / "exercises" / "errors.py").unlink()
    (kit_folder / "exercises" / "data.py").unlink()
    with pytest.raises(PackError, match=r"exercises/ is missing errors\.py, data\.py"):
        pack(kit_folder, tmp_path / "submission.zip")
    assert not (tmp_path / "submission.zip").exists()


def test_pack_cli_says_where_to_run_it_in_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main([]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: no exercises/ folder in") and err.count("\n") == 1
    assert not (tmp_path / "submission.zip").exists()


def test_pack_cli_writes_submission_zip_by_default(kit_folder, capsys, monkeypatch):
    monkeypatch.chdir(kit_folder)
    assert main([]) == 0
    assert (kit_folder / "submission.zip").is_file()
    assert capsys.readouterr().out.startswith("wrote submission.zip (7 files of exercises/)")
