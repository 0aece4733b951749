"""docs/architecture.md is the map of the tree: every top-level folder and package is on it,
and every folder it names exists."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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
