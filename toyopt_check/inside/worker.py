"""The program that runs inside the sandbox: the only process where student code runs.

Self-contained on purpose: its package (``toyopt_check/inside``: this file,
``protocol``, ``supervisor``, ``runtime`` and the probes) is copied into a private
read-only folder inside the sandbox, where ``toyopt`` is hidden, so it imports
only the standard library, NumPy and its own package at start.

Command line (``CODE`` holds the package, named ``PKG`` there; see the launcher)::

    python -s -B -c "import sys; sys.path[0] = CODE; from PKG.worker import entry; entry()"
                    --probes PROBES --request-fd R --reply-fd W
                    --scratch DIR [--supervise] [--limit-as BYTES]
                    [--limit-cpu S] [--limit-fsize BYTES] [--limit-nproc N]
                    [--uid UID] [--seccomp-file BPF] [--site DIR]

Conversation on the two pipes (frames of :mod:`protocol`):

1. hello: parent sends ``{"op": "hello", "exercise_modules": {name: module},
   "notebook": path-or-null, "preload": bool}``; the worker imports the probe
   module and answers ``{"ok": true, "op": "hello", "pid", "probes": [...]}``
   (or ``ok: false``) with a ``canary`` (see :func:`canary`), then, with ``preload``, imports torch and matplotlib
   before it reads the first call.
2. calls: ``{"id", "probe", "kwargs"}`` -> ``{"id", "ok": true, "result"}`` or
   ``{"id", "ok": false, "kind", "type", "message", "frames"}`` where ``kind`` is
   ``not_implemented``, ``exception``, ``exit`` (student called ``sys.exit``),
   ``load_error`` (the exercise cannot be loaded), ``bad_result`` (the result
   cannot cross the boundary) or ``unknown_probe``; ``frames`` lists only frames
   in the student's files.
3. ``{"op": "shutdown"}`` or EOF on the request pipe: exit 0.

The probe module defines ``PROBES: dict[str, Callable[[ctx, **kwargs], dict]]``
(or ``--probes`` names the package's own ``probes/`` folder: see :func:`load_probes`);
``ctx.load(exercise)`` returns the student's callable, and with a probe package
``ctx.call(exercise, *args)`` calls it, its failures reported as ``StudentCodeError``.  The worker seeds nothing.
Student ``print`` goes to stdout/stderr, which the parent captures and truncates.

``--supervise`` (used without bubblewrap, which has its own PID namespace) runs
the worker under :mod:`supervisor`, which kills every descendant at the end.
"""

from __future__ import annotations

import argparse
import faulthandler
import importlib
import importlib.util
import json
import linecache
import os
import sys
import traceback
import types

from . import protocol, supervisor

MAX_MESSAGE_CHARS = 2000
MAX_FRAMES = 5
NOTEBOOK_MODULE = "__notebook__"
PROBE_PACKAGE = "toyopt_probes"


class ExerciseLoadError(Exception):
    """The student's function for an exercise cannot be loaded (message says why)."""


# ----------------------------------------------------------------------------- summaries
def _safe_str(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:  # a student's __str__ may raise anything
        text = "<message could not be printed>"
    return text if len(text) <= MAX_MESSAGE_CHARS else text[:MAX_MESSAGE_CHARS] + " [...]"


def _type_name(exc: BaseException) -> str:
    cls = type(exc)
    module = getattr(cls, "__module__", "") or ""
    return cls.__qualname__ if module in ("builtins", "") else f"{module}.{cls.__qualname__}"


class Context:
    """What a probe sees: ``load(exercise)`` and the scratch folder."""

    def __init__(self, scratch: str, exercise_modules: dict, notebook: str | None):
        self.scratch = os.path.realpath(scratch)
        self.roots = (self.scratch + os.sep, "<cell ")  # student files (probes' runtime)
        self.exercise_modules = dict(exercise_modules)
        self._notebook = notebook
        self._namespace: dict | None = None
        self._cell_failures: list[str] = []
        self._errors: dict[str, str] = {}

    # -- student frames -------------------------------------------------------------
    def is_student_file(self, filename: str) -> bool:
        if filename.startswith("<cell "):
            return True
        real = os.path.realpath(filename)
        return real.startswith(self.scratch + os.sep)

    def student_frames(self, exc: BaseException) -> list[str]:
        frames = []
        for frame in traceback.extract_tb(exc.__traceback__):
            if self.is_student_file(frame.filename):
                name = frame.filename
                if not name.startswith("<"):
                    name = os.path.relpath(os.path.realpath(name), self.scratch)
                line = f"{name}, line {frame.lineno}, in {frame.name}"
                if frame.line:
                    line += f": {frame.line.strip()[:200]}"
                frames.append(line)
        if isinstance(exc, SyntaxError) and exc.filename and self.is_student_file(exc.filename):
            frames.append(f"{exc.filename}, line {exc.lineno}")
        return frames[-MAX_FRAMES:]

    def summary(self, exc: BaseException) -> str:
        """``Type: message (file, line N)`` with the innermost student frame."""
        text = f"{_type_name(exc)}: {_safe_str(exc)}"
        frames = self.student_frames(exc)
        if frames and not isinstance(exc, SyntaxError):
            text += f" ({frames[-1].split(', in ', 1)[0]})"
        return text

    # -- loading --------------------------------------------------------------------
    def load(self, exercise: str):
        """The student's callable for ``exercise``; raises :class:`ExerciseLoadError`."""
        if exercise not in self.exercise_modules:
            raise ExerciseLoadError(f"unknown exercise {exercise!r}")
        if exercise in self._errors:
            raise ExerciseLoadError(self._errors[exercise])
        try:
            func = self._load_notebook(exercise) if self._notebook else self._load_module(exercise)
        except ExerciseLoadError as exc:
            self._errors[exercise] = str(exc)
            raise
        if not callable(func):
            message = f"{exercise} is a {type(func).__name__}, not a function"
            self._errors[exercise] = message
            raise ExerciseLoadError(message)
        return func

    def _load_module(self, exercise: str):
        module_name = self.exercise_modules[exercise]
        filename = module_name.replace(".", "/") + ".py"
        if self.scratch not in sys.path:
            sys.path.insert(0, self.scratch)
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                raise ExerciseLoadError(f"{filename} is missing from the submission") from None
            raise ExerciseLoadError(f"{filename} failed to import: {self.summary(exc)}") from None
        except SystemExit as exc:
            raise ExerciseLoadError(
                f"{filename} called sys.exit({exc.code!r}) while being imported") from None
        except BaseException as exc:  # noqa: BLE001 - anything the student raises
            raise ExerciseLoadError(f"{filename} failed to import: {self.summary(exc)}") from None
        if not hasattr(module, exercise):
            raise ExerciseLoadError(f"{filename} does not define {exercise}")
        return getattr(module, exercise)

    def _load_notebook(self, exercise: str):
        if self._namespace is None:
            self._run_notebook()
        if exercise not in self._namespace:
            message = f"the notebook does not define {exercise}"
            if self._cell_failures:
                message += "; " + "; ".join(self._cell_failures[:3])
            raise ExerciseLoadError(message)
        return self._namespace[exercise]

    def _run_notebook(self):
        """Exec the selected cells in one namespace, recording (not raising) failures."""
        with open(os.path.join(self.scratch, self._notebook), encoding="utf-8") as handle:
            notebook = json.load(handle)
        cells = notebook["cells"]
        if notebook.get("mode") == "execute":
            self._execute_notebook(cells, notebook.get("cell_timeout"))
            return
        module = types.ModuleType(NOTEBOOK_MODULE)
        sys.modules[NOTEBOOK_MODULE] = module
        self._namespace = module.__dict__
        for cell in cells:
            name = f"<cell {cell['index']}>"
            source = cell["source"]
            linecache.cache[name] = (len(source), None, source.splitlines(True), name)
            try:
                exec(compile(source, name, "exec"), self._namespace)  # noqa: S102 - the point
            except BaseException as exc:  # noqa: BLE001 - recorded, never raised
                self._cell_failures.append(f"cell {cell['index']} failed: {self.summary(exc)}")

    # -- notebooks run as a kernel would (the nbgrader route) ------------------------
    def _execute_notebook(self, cells, cell_timeout):
        """Every cell in an IPython namespace, its outputs kept for ``notebook.outputs``."""
        from . import notebook_cells  # IPython is imported only here

        namespace, self.cell_outputs = notebook_cells.run_cells(
            cells, self.scratch, float(cell_timeout or 300), self.student_frames)
        self._namespace = namespace


#: the probe that runs a notebook sent in "execute" mode and returns its outputs
NOTEBOOK_PROBE = "notebook.outputs"


def notebook_outputs(ctx) -> dict:
    """``{"cells": [{"index", "execution_count", "outputs", "truncated"}]}``."""
    if ctx._namespace is None:
        ctx._run_notebook()
    return {"cells": getattr(ctx, "cell_outputs", None) or []}


# ----------------------------------------------------------------------------- serving
def load_probes(path: str):
    """``(probes, context class, student error class)`` from the probe module file
    at ``path``, or from this package's probe subpackage when ``path`` is its
    folder (``<package>/probes``: its ``PROBE_MODULES`` are imported and their
    ``PROBES`` merged).  The package's ``runtime._Context`` provides ``ctx.call``
    (one implementation, shared with in-process grading): mixed into
    :class:`Context`, which provides ``load``.  ``runtime.StudentCodeError`` is
    what ``ctx.call`` raises (``None`` for a single module)."""
    if not os.path.isdir(path):
        spec = importlib.util.spec_from_file_location(PROBE_PACKAGE, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return dict(module.PROBES), Context, None
    here = os.path.dirname(os.path.abspath(__file__))
    if os.path.realpath(path) != os.path.realpath(os.path.join(here, "probes")):
        raise ImportError(f"a probe package must be this worker's own probes/ folder, not {path}")
    package = importlib.import_module(f"{__package__}.probes")
    probes = {}
    for module_name in package.PROBE_MODULES:
        module = importlib.import_module(f"{__package__}.probes.{module_name}")
        probes.update(getattr(module, "PROBES", {}))
    from . import runtime

    ctx_class = type("ProbeContext", (Context, runtime._Context), {})
    return probes, ctx_class, runtime.StudentCodeError


#: StudentCodeError kinds (probes' runtime) -> reply kinds
_STUDENT_KINDS = {"not_implemented": "not_implemented", "import": "load_error",
                  "missing": "load_error"}


def run_request(ctx: Context, probes: dict, request: dict, max_bytes: int,
                student_error: type | None = None) -> dict:
    """Run one probe and build the reply (never raises for student behaviour)."""
    rid = request.get("id")
    probe = probes.get(request.get("probe"))
    if probe is None:
        return {"id": rid, "ok": False, "kind": "unknown_probe", "type": "KeyError",
                "message": f"no probe named {request.get('probe')!r}", "frames": []}
    try:
        result = probe(ctx, **(request.get("kwargs") or {}))
        if not isinstance(result, dict):
            raise protocol.ProtocolError(f"probe returned a {type(result).__name__}, not a dict")
        # fail here, as a reply, if the result cannot cross the boundary
        protocol.encode({"result": result}, max_bytes=max_bytes)
        return {"id": rid, "ok": True, "result": result}
    except ExerciseLoadError as exc:
        kind, exc_type, exc_obj = "load_error", "ExerciseLoadError", exc
    except student_error or _NoStudentError as exc:
        # ctx.call's translation of the student's failure: its message already names
        # the type and the student's frames
        kind = _STUDENT_KINDS.get(getattr(exc, "kind", None), "exception")
        exc_type, exc_obj = "StudentCodeError", exc
    except protocol.ProtocolError as exc:
        kind, exc_type, exc_obj = "bad_result", "ProtocolError", exc
    except NotImplementedError as exc:
        kind, exc_type, exc_obj = "not_implemented", "NotImplementedError", exc
    except SystemExit as exc:
        kind, exc_type, exc_obj = "exit", "SystemExit", exc
    except BaseException as exc:  # noqa: BLE001 - the boundary: report whatever it is
        kind, exc_type, exc_obj = "exception", _type_name(exc), exc
    message = (f"called sys.exit({exc_obj.code!r})" if kind == "exit" else _safe_str(exc_obj))
    return {"id": rid, "ok": False, "kind": kind, "type": exc_type, "message": message,
            "frames": ctx.student_frames(exc_obj)}


class _NoStudentError(Exception):
    """Stands for ``StudentCodeError`` when the probes have no runtime (never raised)."""


def _flush_std():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - the student may have replaced or closed it
            pass


def preload() -> None:
    """Import torch and matplotlib before any student code runs.

    The parent imports its own copies meanwhile (two cores work in parallel),
    and the font list copied by the launcher next to this file spares
    matplotlib rebuilding its cache in every fresh sandbox. Best effort: a
    missing library only means the first probe pays for the import.
    """
    cache = os.environ.get("MPLCONFIGDIR")
    seed = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mplcache")
    if cache and os.path.isdir(seed):
        try:
            os.makedirs(cache, exist_ok=True)
            for name in os.listdir(seed):
                target = os.path.join(cache, name)
                if not os.path.exists(target):
                    with open(os.path.join(seed, name), "rb") as src, open(target, "wb") as dst:
                        dst.write(src.read())
        except OSError:
            pass
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot  # noqa: F401
        from matplotlib import font_manager  # noqa: F401  (loads the font list)
        import torch

        torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)  # imports torch._dynamo
    except Exception:  # noqa: BLE001 - the probes report a missing library themselves
        pass


def canary(hello: dict) -> dict:
    """What the sandbox looks like from inside, measured before any student code runs
    (so the parent may believe it): uid, seccomp mode, which of the ``hidden`` host
    paths can be listed or written, and which libraries import (``imports``) or at
    least are found (``find``)."""
    status = {}
    try:
        with open("/proc/self/status") as handle:
            status = dict(line.rstrip("\n").split(":\t", 1) for line in handle if ":\t" in line)
    except OSError:
        pass
    exposed = []
    for path in hello.get("hidden") or []:
        try:
            listed = bool(os.listdir(path))
        except OSError:
            listed = False
        if listed or os.access(path, os.W_OK):
            exposed.append(path)
    missing = {}
    for name in hello.get("imports") or []:
        try:
            importlib.import_module(name)
        except BaseException as exc:  # noqa: BLE001 - reported
            missing[name] = _safe_str(exc)[:300]
    for name in hello.get("find") or []:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing[name] = "not found"
    return {"uid": os.getuid(), "euid": os.geteuid(), "gid": os.getgid(),
            "seccomp": status.get("Seccomp", "").strip(),
            "no_new_privs": status.get("NoNewPrivs", "").strip(),
            "cap_eff": status.get("CapEff", "").strip(),
            "exposed": exposed, "missing": missing, "python": sys.version.split()[0]}


def serve(args) -> int:
    faulthandler.enable()  # a segfault leaves a Python traceback on stderr
    rfd, wfd = args.request_fd, args.reply_fd
    try:
        hello = protocol.read_frame(rfd)
    except protocol.FrameEOF:
        return 0
    try:
        probes, ctx_class, student_error = load_probes(args.probes)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, then exit
        protocol.write_frame(wfd, {"ok": False, "op": "hello", "kind": "probes_failed",
                                   "type": _type_name(exc), "message": _safe_str(exc)})
        return 2
    probes.setdefault(NOTEBOOK_PROBE, notebook_outputs)
    max_bytes = int(hello.get("max_message_bytes") or protocol.MAX_BYTES) - 1024
    ctx = ctx_class(args.scratch, hello.get("exercise_modules") or {}, hello.get("notebook"))
    protocol.write_frame(wfd, {"ok": True, "op": "hello", "pid": os.getpid(),
                               "probes": sorted(probes), "canary": canary(hello)})
    if hello.get("preload"):
        preload()
    while True:
        try:
            request = protocol.read_frame(rfd)
        except protocol.FrameEOF:
            return 0
        if request.get("op") == "shutdown":
            return 0
        reply = run_request(ctx, probes, request, max_bytes, student_error)
        _flush_std()
        protocol.write_frame(wfd, reply)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="toyopt sandbox worker")
    parser.add_argument("--probes", required=True)
    parser.add_argument("--request-fd", type=int, required=True)
    parser.add_argument("--reply-fd", type=int, required=True)
    parser.add_argument("--scratch", required=True)
    parser.add_argument("--supervise", action="store_true")
    parser.add_argument("--uid", type=int, default=None)
    parser.add_argument("--seccomp-file", default=None)
    parser.add_argument("--site", action="append", default=[])
    for name in ("as", "cpu", "fsize", "nproc"):
        parser.add_argument(f"--limit-{name}", type=int, default=None)
    args = parser.parse_args(argv)
    for folder in args.site:  # the grader's user site (a `pip --user` install)
        import site

        site.addsitedir(folder)
    supervisor.apply_limits(args)
    if args.supervise and sys.platform.startswith("linux"):
        return supervisor.supervise(args, serve)
    if not supervisor._confined(args):
        return 96
    return serve(args)


def entry(argv=None):
    """Run :func:`main` and leave at once (what the launcher's command calls)."""
    code = main(argv)
    _flush_std()
    os._exit(code)  # skip interpreter teardown: student atexit hooks and threads get no say

