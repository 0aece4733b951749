"""Probes: the code that runs *next to* student code and returns plain data.

Everything in this package is self-contained (stdlib, NumPy, torch,
matplotlib; relative imports only, `..runtime` included) because the sandboxed
worker loads these files without the rest of `toyopt`. A probe never decides pass or fail: it
calls student functions on inputs chosen by the trusted side and reports what
came back (arrays, numbers, figure summaries). A probe is
``probe(ctx, **kwargs) -> dict`` registered in a module-level ``PROBES`` dict
under a name ``"<exercise>.<what>"``.
"""

import importlib
from pathlib import Path

from ..runtime import EXERCISE_MODULES

#: Probe modules, one per exercise and named after it (the registry's order).
PROBE_MODULES = tuple(EXERCISE_MODULES)

HERE = Path(__file__).resolve().parent


def load_probes():
    """``{name: probe}`` from every probe module, imported in this process."""
    probes = {}
    for name in PROBE_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        probes.update(getattr(module, "PROBES", {}))
    return probes


def exercise_of(probe_name):
    """The exercise a probe belongs to (the part of its name before the dot)."""
    return probe_name.split(".", 1)[0]
