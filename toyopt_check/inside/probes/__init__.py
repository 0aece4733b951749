"""Probes: the code that runs *next to* student code and returns plain data
(self-contained, as all of ``inside/``).

A probe never decides pass or fail: it calls student functions on inputs
chosen by the trusted side and reports what came back (arrays, numbers, figure
summaries). A probe is ``probe(ctx, **kwargs) -> dict`` registered in a
module-level ``PROBES`` dict under a name ``"<exercise>.<what>"``; the schema of
what it may send back is a `..replies.Reply` under the same name in the
module's ``REPLIES`` dict.
"""

import importlib
from pathlib import Path

from ..runtime import EXERCISE_MODULES

HERE = Path(__file__).resolve().parent


def _gather(registry):
    """The union of the dicts named `registry` of every probe module (one per
    exercise, named after it), imported in this process."""
    found = {}
    for exercise in EXERCISE_MODULES:
        found.update(getattr(importlib.import_module(f"{__name__}.{exercise}"), registry))
    return found


def load_probes():
    """``{name: probe}`` of every exercise."""
    return _gather("PROBES")


def load_replies():
    """``{name: Reply}``: what each probe may send back (`..replies.check_reply`)."""
    return _gather("REPLIES")


def exercise_of(probe_name):
    """The exercise a probe belongs to (the part of its name before the dot)."""
    return probe_name.split(".", 1)[0]
