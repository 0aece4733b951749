"""Old import paths of modules that moved into the student runtime (`toyopt_check`).

``alias("toyopt.probes", {"runtime": "toyopt_check.inside.runtime"})`` makes
``import toyopt.probes.runtime`` (and ``from toyopt.probes import runtime``) give
the moved module itself, imported on first use, not a copy: monkeypatching
either name patches the same object.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys


class _Loader(importlib.abc.Loader):
    def __init__(self, real: str):
        self.real = real
        self.spec = None

    def create_module(self, spec):
        module = importlib.import_module(self.real)
        self.spec = module.__spec__
        return module

    def exec_module(self, module):
        module.__spec__ = self.spec  # the import system gave it the old name's spec


class _Finder(importlib.abc.MetaPathFinder):
    def __init__(self):
        self.names: dict[str, str] = {}

    def find_spec(self, name, path=None, target=None):
        real = self.names.get(name)
        return None if real is None else importlib.util.spec_from_loader(name, _Loader(real))


_FINDER = _Finder()
sys.meta_path.insert(0, _FINDER)


def alias(package: str, modules: dict) -> None:
    """Make ``<package>.<name>`` import the module named ``modules[name]``."""
    for name, real in modules.items():
        _FINDER.names[f"{package}.{name}"] = real
