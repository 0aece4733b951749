"""Loading and calling student code; shared by in-process runs and the worker.

Self-contained: stdlib only at import time.
"""

import importlib
import linecache
import sys
import traceback
from pathlib import Path

EXERCISE_MODULES = {
    "spiral_2d": "data",
    "plot_datasets": "plotting",
    "circular_mse": "losses",
    "epoch_loop": "training",
}


class StudentCodeError(Exception):
    """Student code failed. `kind` is ``'not_implemented'``, ``'import'``,
    ``'missing'`` or ``'exception'``; `message` is for the student."""

    def __init__(self, exercise, kind, message):
        super().__init__(message)
        self.exercise = exercise
        self.kind = kind
        self.message = message


def _student_frames(tb, roots):
    frames = [f for f in traceback.extract_tb(tb) if any(str(f.filename).startswith(r) for r in roots)]
    return "".join(f"  {Path(f.filename).name}, line {f.lineno}, in {f.name}: {f.line}\n"
                   for f in frames[-3:])


def describe(exc, roots=()):
    """``TypeError: message`` plus the last student frames (no grader frames)."""
    text = f"{type(exc).__name__}: {exc}"
    if len(text) > 500:
        text = text[:500] + "..."
    where = _student_frames(exc.__traceback__, roots) if roots else ""
    return text + ("\n" + where if where else "")


class _Context:
    """Base: `call` runs a student function and translates its failures."""

    roots = ()

    def load(self, exercise):
        raise NotImplementedError

    def call(self, exercise, *args, **kwargs):
        func = self.load(exercise)
        try:
            return func(*args, **kwargs)
        except NotImplementedError as exc:
            raise StudentCodeError(exercise, "not_implemented", str(exc) or "NotImplementedError") from None
        except RecursionError as exc:
            raise StudentCodeError(exercise, "exception", describe(exc)) from None
        except Exception as exc:
            raise StudentCodeError(exercise, "exception", describe(exc, self.roots)) from None


class PackageContext(_Context):
    """Student functions from a package folder (``<root>/<package>/*.py``).

    With `fresh` (the default) modules are imported anew (any earlier import
    of the package is dropped from `sys.modules`), so two targets never share
    state; the reference (``toyopt_ref``) is loaded with ``fresh=False``.
    """

    def __init__(self, root, package="exercises", modules=None, fresh=True):
        self.root = Path(root).resolve()
        self.package = package
        self.modules = dict(modules or EXERCISE_MODULES)
        self.roots = (str(self.root / package),)
        self._cache = {}
        self._purged = not fresh

    def _purge(self):
        for name in list(sys.modules):
            if name == self.package or name.startswith(self.package + "."):
                del sys.modules[name]
        linecache.clearcache()
        importlib.invalidate_caches()

    def load(self, exercise):
        if exercise in self._cache:
            return self._cache[exercise]
        if exercise not in self.modules:
            raise StudentCodeError(exercise, "missing", f"unknown exercise {exercise!r}")
        if not self._purged:
            self._purge()
            self._purged = True
        modname = f"{self.package}.{self.modules[exercise]}"
        path = f"{self.package}/{self.modules[exercise]}.py"
        root = str(self.root)
        added = root not in sys.path
        if added:
            sys.path.insert(0, root)
        try:
            module = importlib.import_module(modname)
        except NotImplementedError as exc:
            raise StudentCodeError(exercise, "not_implemented", str(exc)) from None
        except (Exception, SystemExit) as exc:  # SyntaxError, sys.exit() at import, ...
            raise StudentCodeError(exercise, "import", f"{path} failed to import: {describe(exc, self.roots)}") from None
        finally:
            if added:
                sys.path.remove(root)
        func = getattr(module, exercise, None)
        if not callable(func):
            raise StudentCodeError(exercise, "missing", f"{path} defines no function {exercise}()")
        self._cache[exercise] = func
        return func


class NamespaceContext(_Context):
    """Student functions looked up by name in a namespace (a notebook's)."""

    def __init__(self, namespace, origin="the notebook"):
        self.namespace = namespace
        self.origin = origin

    def load(self, exercise):
        func = self.namespace.get(exercise)
        if not callable(func):
            raise StudentCodeError(exercise, "missing", f"{self.origin} defines no function {exercise}()")
        return func


PROBES = {}
