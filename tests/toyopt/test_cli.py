"""One verb, one module: every `toyopt` command lives in `toyopt/commands/<verb>.py`."""

import ast
import subprocess
import sys

from grade_support import ROOT

from toyopt.commands import COMMANDS

COMMAND_DIR = ROOT / "toyopt" / "commands"


def test_every_command_module_is_a_listed_verb_and_every_verb_has_its_module():
    modules = {p.stem for p in COMMAND_DIR.glob("*.py") if p.stem != "__init__"}
    assert modules == {module for module, _ in COMMANDS.values()}


def test_toyopt_help_lists_every_verb():
    out = subprocess.run([sys.executable, "-m", "toyopt", "--help"], capture_output=True,
                         text=True, cwd=ROOT, check=True).stdout
    for verb in COMMANDS:
        assert f"    {verb}" in out, verb


def test_no_argument_parsing_outside_the_command_modules():
    """(The sandbox worker is not a verb: a program of its own, started by the launcher.)"""
    offenders = []
    for path in (ROOT / "toyopt").rglob("*.py"):
        if path.parent == COMMAND_DIR or path.name in ("cli.py", "worker.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("add_argument", "ArgumentParser"):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_help_texts_show_no_hand_typed_defaults():
    """Defaults come from the library through ``%(default)s``, never typed into the text."""
    import re

    for path in COMMAND_DIR.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\(default: [0-9]", text), path.name
