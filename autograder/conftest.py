"""Loads the autograder's pytest plugin (`toyopt_check.plugin`): ``pytest autograder``.

In this repository it grades with the checkout beside this folder (a fresh
clone need not install it, and an installed copy of another version must not
win), hidden checks included (``toyopt.checks`` registers them).
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if (ROOT / "toyopt_check").is_dir() and str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import toyopt.checks  # noqa: E402,F401  (registers the instructor's hidden checks)
from toyopt_check.plugin import *  # noqa: E402, F403  (the plugin's hooks and fixtures)
