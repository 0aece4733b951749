"""Loading and calling student code: ONE implementation for every route.

The in-process routes (``pytest autograder``, notebook cells) and the sandbox worker
load a package folder or a notebook, call the student's functions and translate their
failures here, so a fault reads the same everywhere (``exercises/data.py failed to
import: SyntaxError: ...``, ``ValueError: bad n (exercises/data.py, line 3)``). The
time budget is the caller's. Stdlib only at import time.
"""

import dis
import importlib
import json
import linecache
import os
import sys
import traceback
import types
from pathlib import Path

#: THE registry of the exercises, in the order of the tutorial: each exercise and the
#: module of the student's package that defines it; the rest is found from it by name
#: (docs/architecture.md, "How to extend"). Here, where the sandbox side can read it too.
EXERCISE_MODULES = {
    "spiral_2d": "data",
    "plot_datasets": "plotting",
    "circular_mse": "losses",
    "epoch_loop": "training",
}

MAX_MESSAGE_CHARS = 2000
MAX_FRAMES = 5
NOTEBOOK_MODULE = "__notebook__"


class StudentCodeError(Exception):
    """Student code failed: the one form of a student's error on every route
    (docs/architecture.md, "Errors"). A `Context` words `message` for the student;
    `kind` is one of `KINDS`."""

    #: kind -> what the check framework's result says (its status)
    KINDS = {
        "not_implemented": "not_implemented",  # an untouched stub
        "missing": "error",      # no such file / function in the submission
        "import": "error",       # the module failed to import
        "exception": "error",    # the student's function raised
        "exit": "error",         # it called sys.exit()
        "bad_result": "error",   # it returned something that cannot be sent back
        "crash": "error",        # the process running it died (sandbox only)
        "timeout": "timeout",    # the exercise's time budget ran out
    }

    def __init__(self, exercise, kind, message):
        super().__init__(message)
        self.exercise = exercise
        self.kind = kind if kind in self.KINDS else "exception"
        self.message = message

    @property
    def raised(self) -> bool:
        """Whether the student's code ran and failed (a check may quote the message);
        not for a stub or a timeout, which end the exercise's checks."""
        return self.kind not in ("not_implemented", "timeout")


def safe_str(exc: BaseException) -> str:
    """``str(exc)``, bounded, even when the student's ``__str__`` raises."""
    try:
        text = str(exc)
    except Exception:  # a student's __str__ may raise anything
        text = "<message could not be printed>"
    return text if len(text) <= MAX_MESSAGE_CHARS else text[:MAX_MESSAGE_CHARS] + " [...]"


def type_name(value) -> str:
    """The name of `value`'s type, with its module unless it is a builtin."""
    cls = type(value)
    module = getattr(cls, "__module__", "") or ""
    return cls.__qualname__ if module in ("builtins", "") else f"{module}.{cls.__qualname__}"


def describe(exc, roots=()):
    """``TypeError: message`` plus the last student frames, those in `roots` (what
    probes put in their results; the contexts' own messages are `Context.summary`)."""
    text = f"{type(exc).__name__}: {exc}"
    if len(text) > 500:
        text = text[:500] + "..."
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if any(f.filename.startswith(r) for r in roots)] if roots else []
    where = "".join(f"  {Path(f.filename).name}, line {f.lineno}, in {f.name}: {f.line}\n" for f in frames[-3:])
    return text + ("\n" + where if where else "")


#: instructions that carry no work (3.11+: RESUME, CACHE; NOP, EXTENDED_ARG anywhere)
_NO_WORK = frozenset({"RESUME", "CACHE", "NOP", "EXTENDED_ARG"})


def stub_message(func):
    """The message of an untouched stub, or ``None``.

    A stub is a plain function whose whole body (its docstring aside) is ``raise
    NotImplementedError`` or ``raise NotImplementedError("a constant")``, the name bound
    to the builtin: calling it can only raise, so it is reported without a call, and a
    probe skips its setup (an optimiser's first construction alone imports
    ``torch._dynamo``, 1.5 s). Anything else is ``None``: called as usual, its
    `NotImplementedError` reads the same.
    """
    name = "NotImplementedError"
    if (type(func) is not types.FunctionType or func.__code__.co_names != (name,)
            or func.__globals__.get(name, func.__builtins__.get(name)) is not NotImplementedError):
        return None
    try:
        ops = [(i.opname, i.argval) for i in dis.get_instructions(func.__code__) if i.opname not in _NO_WORK]
    except Exception:  # an odd code object: call it as usual
        return None
    if ops[:1] != [("LOAD_GLOBAL", name)] or ops[-1:] != [("RAISE_VARARGS", 1)]:
        return None
    middle = [op for op, _ in ops[1:-1] if op != "PRECALL"]  # 3.11 calls in two steps
    if middle in ([], ["CALL"]):
        return name
    if middle == ["LOAD_CONST", "CALL"] and isinstance(ops[1][1], str):
        return ops[1][1] or name
    return None


class Context:
    """Base: ``load(exercise)`` the student's callable (cached, failures
    remembered), ``call`` it with failures translated, and the messages."""

    #: folders (with a trailing separator) whose files are the student's
    roots = ()
    #: folder that frame file names are shown relative to
    shown_from = None

    def __init__(self):
        self._cache = {}
        self._errors = {}

    def is_student_file(self, filename: str) -> bool:
        if filename.startswith("<cell "):
            return True
        real = os.path.realpath(filename)
        return any(real.startswith(root) for root in self.roots)

    def student_frames(self, exc: BaseException) -> list:
        """``file, line N, in f: code`` of the student's frames only (innermost last)."""
        frames = []
        for frame in traceback.extract_tb(exc.__traceback__):
            if self.is_student_file(frame.filename):
                name = frame.filename
                if not name.startswith("<") and self.shown_from:
                    name = os.path.relpath(os.path.realpath(name), self.shown_from)
                line = f"{name}, line {frame.lineno}, in {frame.name}"
                if frame.line:
                    line += f": {frame.line.strip()[:200]}"
                frames.append(line)
        if isinstance(exc, SyntaxError) and exc.filename and self.is_student_file(exc.filename):
            frames.append(f"{exc.filename}, line {exc.lineno}")
        return frames[-MAX_FRAMES:]

    def summary(self, exc: BaseException) -> str:
        """``Type: message (file, line N)`` with the innermost student frame."""
        text = f"{type_name(exc)}: {safe_str(exc)}"
        frames = self.student_frames(exc)
        if frames and not isinstance(exc, SyntaxError):
            text += f" ({frames[-1].split(', in ', 1)[0]})"
        return text

    def not_implemented(self, exercise) -> StudentCodeError:
        """The error of an exercise that still raises `NotImplementedError`."""
        return StudentCodeError(exercise, "not_implemented",
                                f"not implemented yet: complete {exercise}() in {self.where(exercise)} "
                                "(it still raises NotImplementedError)")

    def _find(self, exercise):
        """The student's `exercise`, found by the subclass, which also says `where` it is."""
        raise NotImplementedError

    def load(self, exercise):
        """The student's callable; raises `StudentCodeError` (kind ``import``,
        ``missing`` or ``not_implemented``) with the student-facing message."""
        if exercise in self._cache:
            return self._cache[exercise]
        if exercise in self._errors:
            raise StudentCodeError(exercise, *self._errors[exercise])
        try:
            func = self._find(exercise)
            if not callable(func):
                raise StudentCodeError(exercise, "missing", f"{exercise} is a {type(func).__name__}, not a function")
            if stub_message(func) is not None:
                raise self.not_implemented(exercise)
        except StudentCodeError as exc:
            self._errors[exercise] = (exc.kind, exc.message)
            raise
        self._cache[exercise] = func
        return func

    def call(self, exercise, *args, **kwargs):
        func = self.load(exercise)
        try:
            return func(*args, **kwargs)
        except NotImplementedError:
            raise self.not_implemented(exercise) from None
        except RecursionError as exc:
            raise StudentCodeError(exercise, "exception", f"{type_name(exc)}: {safe_str(exc)}") from None
        except Exception as exc:
            raise StudentCodeError(exercise, "exception", self.summary(exc)) from None

    def outcome(self, exercise, *args) -> dict:
        """Call `exercise` on input it should reject: the class names of what it
        raised (``raised``) and its ``message``, or that it returned and what."""
        func = self.load(exercise)
        try:
            out = func(*args)
        except NotImplementedError:
            raise self.not_implemented(exercise) from None
        except Exception as exc:
            return {"raised": [k.__name__ for k in type(exc).__mro__], "message": describe(exc, self.roots)}
        return {"raised": None, "message": "", "returned_type": type_name(out)}


class PackageContext(Context):
    """Student functions from a package folder (``<root>/<package>/*.py``).

    `modules` maps each exercise to its module under `package` (with ``package=None``,
    dotted names such as ``"exercises.data"``). With `fresh`, any earlier import of the
    package is dropped from `sys.modules` first, so that two targets never share state.
    """

    def __init__(self, root, package="exercises", modules=None, fresh=True):
        super().__init__()
        self.root = Path(root).resolve()
        self.package = package
        self.modules = dict(modules or EXERCISE_MODULES)
        self.shown_from = str(self.root)
        self.roots = (str(self.root / package) + os.sep if package else str(self.root) + os.sep,)
        self._purged = not fresh

    def _module_name(self, exercise):
        module = self.modules[exercise]
        return f"{self.package}.{module}" if self.package else module

    def where(self, exercise) -> str:
        if exercise not in self.modules:
            return "the package"
        return self._module_name(exercise).replace(".", "/") + ".py"

    def _purge(self):
        tops = {self._module_name(ex).split(".")[0] for ex in self.modules}
        for name in list(sys.modules):
            if name.split(".")[0] in tops:
                del sys.modules[name]
        linecache.clearcache()
        importlib.invalidate_caches()

    def _find(self, exercise):
        if exercise not in self.modules:
            raise StudentCodeError(exercise, "missing", f"unknown exercise {exercise!r}")
        if not self._purged:
            self._purge()
            self._purged = True
        module_name, filename = self._module_name(exercise), self.where(exercise)
        root = str(self.root)
        added = root not in sys.path
        if added:
            sys.path.insert(0, root)
        try:
            module = importlib.import_module(module_name)
        except NotImplementedError:
            raise self.not_implemented(exercise) from None
        except SystemExit as exc:
            raise StudentCodeError(exercise, "import",
                                   f"{filename} called sys.exit({exc.code!r}) while being imported") from None
        except BaseException as exc:
            if isinstance(exc, ModuleNotFoundError) and exc.name and module_name.startswith(exc.name):
                raise StudentCodeError(exercise, "missing", f"{filename} is missing from the submission "
                                       "(submit the whole exercises/ folder)") from None
            raise StudentCodeError(exercise, "import", f"{filename} failed to import: {self.summary(exc)}") from None
        finally:
            if added and root in sys.path:
                sys.path.remove(root)
        if not hasattr(module, exercise):
            raise StudentCodeError(exercise, "missing", f"{filename} does not define {exercise}")
        return getattr(module, exercise)


class NamespaceContext(Context):
    """Student functions looked up by name in a namespace (a notebook's)."""

    def __init__(self, namespace):
        super().__init__()
        self.namespace = namespace
        self.failures = []  # why cells failed, quoted when a function is missing

    def where(self, exercise) -> str:
        return "its solution cell of the notebook"

    def load(self, exercise):
        # a live namespace (a kernel) may define the function later: no caching
        self._cache.pop(exercise, None)
        self._errors.pop(exercise, None)
        return super().load(exercise)

    def _find(self, exercise):
        if exercise not in self.namespace:
            message = f"the notebook does not define {exercise}"
            if self.failures:
                message += "; " + "; ".join(self.failures[:3])
            raise StudentCodeError(exercise, "missing", message)
        return self.namespace[exercise]


class NotebookContext(NamespaceContext):
    """Student functions from a notebook's selected cells (``{"cells": [{"index",
    "source"}]}``, as ``toyopt.sandbox.submission`` writes it), executed on
    first use in one namespace; a failing cell is recorded, never raised."""

    def __init__(self, path, root):
        self.root = os.path.realpath(root)
        super().__init__(None)
        self.path = path
        self.roots = (self.root + os.sep,)
        self.shown_from = self.root

    def _find(self, exercise):
        if self.namespace is None:
            self._run()
        return super()._find(exercise)

    def _run(self):
        with open(os.path.join(self.root, self.path), encoding="utf-8") as handle:
            notebook = json.load(handle)
        cells = notebook["cells"]
        if notebook.get("mode") == "execute":  # the nbgrader route: run as a kernel would
            from . import notebook_cells  # IPython is imported only here

            self.namespace, self.cell_outputs = notebook_cells.run_cells(
                cells, self.root, float(notebook.get("cell_timeout") or 300), self.student_frames)
            return
        module = types.ModuleType(NOTEBOOK_MODULE)
        sys.modules[NOTEBOOK_MODULE] = module
        self.namespace = module.__dict__
        for cell in cells:
            name = f"<cell {cell['index']}>"
            source = cell["source"]
            linecache.cache[name] = (len(source), None, source.splitlines(True), name)
            try:
                exec(compile(source, name, "exec"), self.namespace)
            except BaseException as exc:
                self.failures.append(f"cell {cell['index']} failed: {self.summary(exc)}")
