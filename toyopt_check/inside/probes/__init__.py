"""Probes: the code that runs *next to* student code. A probe calls student functions
on inputs the trusted side chose and reports what came back; it never decides pass or
fail. Each module, named after its exercise, holds ``PROBES`` (``"<exercise>.<what>"``
-> ``probe(ctx, **kwargs) -> dict``) and, under the same names, ``REPLIES`` (the
`..replies.Reply` each may send back).
"""

import importlib
from pathlib import Path

from ..runtime import EXERCISE_MODULES

HERE = Path(__file__).resolve().parent


def _gather(registry):
    """The union of the dicts named `registry` of every probe module."""
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


def float64_values(tensor):
    """A float64 NumPy copy of `tensor`'s values, whatever its dtype and device (None for None)."""
    return None if tensor is None else tensor.detach().cpu().double().numpy().copy()


def exercise_of(probe_name):
    """The exercise a probe belongs to (the part of its name before the dot)."""
    return probe_name.split(".", 1)[0]
