"""Lint rules ruff cannot express: every `noqa` says why, on its own line."""

import re
import subprocess

from grade_support import ROOT

MARK = "# " + "noqa"  # spelt in two parts so that this file does not match itself
#: a noqa comment names its codes (NOQA: CODE[, CODE]) and then a reason (two spaces or a dash, then words)
JUSTIFIED = re.compile(r"#\s*noqa:\s*[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*\s*(?:\(|--|-|:|;)?\s*\S.{3,}")


def _python_files():
    listed = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True)
    files = [ROOT / name for name in listed.stdout.split()] if listed.returncode == 0 else []
    return [p for p in files if p.exists() and "tests/corpus/" not in p.as_posix()]


def test_every_noqa_names_its_rule_and_says_why():
    bare = []
    for path in _python_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if MARK in line and not JUSTIFIED.search(line):
                bare.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert bare == [], "\n".join(bare)
