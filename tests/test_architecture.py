"""docs/architecture.md is the map of the tree: every top-level folder and package is on it,
and every folder it names exists."""

import re
import subprocess

from grade_support import ROOT

PAGE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def _top_level_folders():
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    return sorted({name.split("/")[0] for name in listed.stdout.split() if "/" in name})


def test_every_top_level_folder_is_on_the_page():
    missing = [name for name in _top_level_folders() if f"`{name}/`" not in PAGE]
    assert missing == []


def test_every_subpackage_of_the_tooling_and_the_runtime_is_on_the_page():
    missing = []
    for package in ("toyopt", "toyopt_check", "toyopt_check/inside"):
        for init in sorted((ROOT / package).glob("*/__init__.py")):
            folder = init.parent.relative_to(ROOT).as_posix()
            if f"`{folder}/`" not in PAGE and f"`{init.parent.name}/`" not in PAGE:
                missing.append(folder)
    assert missing == []


def test_every_folder_the_page_names_exists():
    named = set(re.findall(r"`((?:toyopt|toyopt_check|toyopt_ref|tests|bench|docs)[\w/]*)/`", PAGE))
    assert sorted(n for n in named if not (ROOT / n).is_dir()) == []


#: folders of tests/ that hold tests but mirror no folder of the tree (see docs/architecture.md)
TEST_FOLDERS_OF_THEIR_OWN = {"routes"}
#: folders of tests/ that hold data, not tests
TEST_DATA = {"corpus", "hostile", "hostile-nb", "fixtures"}


def test_the_tests_mirror_the_tree():
    """Each test module sits at the top of tests/, in tests/routes/, or in the folder that
    mirrors the code it tests (tests/toyopt/grading/ for toyopt/grading/)."""
    tests = ROOT / "tests"
    misplaced = []
    for path in sorted(tests.rglob("test_*.py")):
        folder = path.parent.relative_to(tests)
        if folder.parts and folder.parts[0] in TEST_DATA:
            continue
        if folder.parts and folder.parts[0] not in TEST_FOLDERS_OF_THEIR_OWN and not (ROOT / folder).is_dir():
            misplaced.append(path.relative_to(ROOT).as_posix())
    assert misplaced == []


def test_the_mirror_folders_are_named_after_packages_not_made_packages():
    """No ``__init__.py`` in tests/: a tests/toyopt/ package would shadow the real one."""
    tests = ROOT / "tests"
    inits = [p.relative_to(ROOT).as_posix() for p in tests.rglob("__init__.py")
             if p.relative_to(tests).parts[0] not in TEST_DATA]
    assert inits == []


def test_test_module_names_are_unique():
    names = [p.name for p in (ROOT / "tests").rglob("test_*.py")
             if p.relative_to(ROOT / "tests").parts[0] not in TEST_DATA]
    assert sorted({n for n in names if names.count(n) > 1}) == []
