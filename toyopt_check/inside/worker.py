"""The program that runs inside the sandbox: the only process where student code runs.

The launcher's command calls `entry`; `supervisor` confines the process and copies
the submission into ``--scratch`` before any probe is imported. On the two pipes
(frames of :mod:`protocol`):

1. ``{"op": "hello", "exercise_modules": {name: module}, "notebook": path-or-null,
   "preload": bool}`` and what the `canary` measures -> ``{"ok": true, "op": "hello",
   "pid", "probes": [...], "canary"}`` (or ``ok: false``); with ``preload`` the worker
   then imports torch and matplotlib before it reads the first call.
2. ``{"id", "probe", "kwargs"}`` -> ``{"id", "ok": true, "result"}`` or ``{"id", "ok":
   false, "kind", "message"}``: a `runtime.StudentCodeError` as plain data (the
   message worded for the student, naming only the student's own frames), or ``kind``
   ``unknown_probe`` (the grader's fault).
3. ``{"op": "shutdown"}`` or EOF on the request pipe: exit 0.

The worker seeds nothing (each probe seeds what it uses). Student ``print`` goes to
stdout/stderr, which the parent captures and truncates.
"""

from __future__ import annotations

import argparse
import faulthandler
import gc
import importlib
import importlib.util
import os
import shutil
import site
import sys

from . import protocol, supervisor
from .runtime import NotebookContext, PackageContext, StudentCodeError, safe_str, type_name

#: the probe that runs a notebook sent in "execute" mode and returns its outputs
NOTEBOOK_PROBE = "notebook.outputs"


def notebook_outputs(ctx) -> dict:
    """``{"cells": [{"index", "execution_count", "outputs", "truncated"}]}``."""
    if isinstance(ctx, NotebookContext) and ctx.namespace is None:
        ctx._run()
    return {"cells": getattr(ctx, "cell_outputs", [])}


def load_probes(path: str) -> dict:
    """``{name: probe}``: this package's probes for a folder (every grading), else the
    module file at ``path``, for the sandbox's own tests (a module of a few lines with
    no torch import starts a worker in a fraction of the time)."""
    if os.path.isdir(path):
        return importlib.import_module(f"{__package__}.probes").load_probes()
    spec = importlib.util.spec_from_file_location("toyopt_probes", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.PROBES)


def run_request(ctx, probes: dict, request: dict, max_bytes: int) -> dict:
    """Run one probe and build the reply, never raising: a failure is sent as a
    `StudentCodeError`'s ``kind`` and ``message``, worded here where the code ran."""
    rid = request.get("id")
    probe = probes.get(request.get("probe"))
    if probe is None:
        return {"id": rid, "ok": False, "kind": "unknown_probe", "message": f"no probe named {request.get('probe')!r}"}
    try:
        result = probe(ctx, **(request.get("kwargs") or {}))
        if not isinstance(result, dict):
            raise protocol.ProtocolError(f"probe returned a {type(result).__name__}, not a dict")
        # fail here, as a reply, if the result cannot cross the boundary
        protocol.encode({"result": result}, max_bytes=max_bytes)
        return {"id": rid, "ok": True, "result": result}
    except StudentCodeError as exc:
        kind, message = exc.kind, safe_str(exc)
    except protocol.ProtocolError as exc:
        kind, message = "bad_result", f"a result that cannot be sent back to the grader: {safe_str(exc)}"
    except NotImplementedError:
        from .probes import exercise_of  # not copied in with a single probe file

        error = ctx.not_implemented(exercise_of(str(request.get("probe"))))
        kind, message = error.kind, error.message
    except SystemExit as exc:
        kind, message = "exit", f"SystemExit: your code called sys.exit({exc.code!r})" + _at(ctx, exc)
    except BaseException as exc:
        kind, message = "exception", f"{type_name(exc)}: {safe_str(exc)}" + _at(ctx, exc)
    return {"id": rid, "ok": False, "kind": kind, "message": message}


def _at(ctx, exc) -> str:
    """`` (file, line N, in f: code)``: the innermost student frame, if any."""
    frames = ctx.student_frames(exc)
    return f" ({frames[-1]})" if frames else ""


def _flush_std():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


def preload() -> None:
    """Import torch and matplotlib before any student code runs, while the parent imports
    its own copies; the font list the launcher copied beside this file spares matplotlib
    rebuilding its cache. Best effort. What the imports made lives as long as the
    worker: `gc.freeze` keeps later collections from walking it."""
    gc.freeze()  # torch, imported by the probes
    cache = os.environ.get("MPLCONFIGDIR")
    seed = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mplcache")
    if cache and os.path.isdir(seed):
        try:
            os.makedirs(cache, exist_ok=True)
            for name in os.listdir(seed):
                target = os.path.join(cache, name)
                if not os.path.exists(target):
                    shutil.copyfile(os.path.join(seed, name), target)
        except OSError:
            pass
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot  # loads the font list
        import torch

        torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)  # imports torch._dynamo
    except Exception:
        pass
    gc.freeze()


def _reachable(path: str) -> bool:
    """Whether this process can list (a non-empty folder), open or write `path`."""
    try:
        if os.path.isdir(path):
            return bool(os.listdir(path)) or os.access(path, os.W_OK)
        with open(path, "rb") as handle:
            handle.read(1)
        return True
    except OSError:
        return False


def canary(hello: dict) -> dict:
    """What the sandbox looks like from inside, measured before any student code runs (so
    the parent may believe it): uid, seccomp mode, which of the ``hidden`` host paths
    (instructor's folders and files) can be listed, opened or written, which libraries
    import (``imports``) or are found (``find``), and with ``cuda`` whether torch can
    use a CUDA device here (what decides whether the CUDA checks run)."""
    status = {}
    try:
        with open("/proc/self/status") as handle:
            status = {k: v.strip() for k, v in (line.split(":\t", 1) for line in handle if ":\t" in line)}
    except OSError:
        pass
    exposed = [path for path in hello.get("hidden") or [] if _reachable(path)]
    missing = {}
    for name in hello.get("imports") or []:
        try:
            importlib.import_module(name)
        except BaseException as exc:
            missing[name] = safe_str(exc)[:300]
    for name in hello.get("find") or []:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing[name] = "not found"
    report = {"uid": os.getuid(), "euid": os.geteuid(), "gid": os.getgid(),
              "seccomp": status.get("Seccomp", ""), "no_new_privs": status.get("NoNewPrivs", ""),
              "cap_eff": status.get("CapEff", ""),
              "exposed": exposed, "missing": missing, "python": sys.version.split()[0]}
    if hello.get("cuda"):
        try:
            import torch

            report["cuda"] = bool(torch.cuda.is_available())
        except Exception:
            report["cuda"] = False
    return report


def serve(args) -> int:
    faulthandler.enable()  # a segfault leaves a Python traceback on stderr
    rfd, wfd = args.request_fd, args.reply_fd
    try:
        hello = protocol.read_frame(rfd)
    except protocol.FrameEOF:
        return 0
    try:
        probes = load_probes(args.probes)
    except BaseException as exc:
        protocol.write_frame(wfd, {"ok": False, "op": "hello", "kind": "probes_failed",
                                   "type": type_name(exc), "message": safe_str(exc)})
        return 2
    probes.setdefault(NOTEBOOK_PROBE, notebook_outputs)
    max_bytes = int(hello.get("max_message_bytes") or protocol.MAX_BYTES) - 1024
    measured = canary(hello)  # before the scratch folder is on sys.path
    scratch = os.path.realpath(args.scratch)
    sys.path.insert(0, scratch)  # for the student's own imports
    if hello.get("notebook"):
        ctx = NotebookContext(hello["notebook"], scratch)
    else:
        ctx = PackageContext(scratch, package=None, modules=hello.get("exercise_modules") or {}, fresh=False)
    ctx.scratch = scratch
    protocol.write_frame(wfd, {"ok": True, "op": "hello", "pid": os.getpid(),
                               "probes": sorted(probes), "canary": measured})
    if hello.get("preload"):
        preload()
    while True:
        try:
            request = protocol.read_frame(rfd)
        except protocol.FrameEOF:
            return 0
        if request.get("op") == "shutdown":
            return 0
        reply = run_request(ctx, probes, request, max_bytes)
        _flush_std()
        protocol.write_frame(wfd, reply)


def entry() -> None:
    """Parse the options, confine, serve, then leave at once, skipping the interpreter's
    teardown: student atexit hooks and threads get no say."""
    parser = argparse.ArgumentParser(description="toyopt sandbox worker")
    parser.add_argument("--probes", required=True)
    parser.add_argument("--request-fd", type=int, required=True)
    parser.add_argument("--reply-fd", type=int, required=True)
    parser.add_argument("--scratch", required=True)
    parser.add_argument("--copy-from")
    parser.add_argument("--scratch-cap", type=int)
    parser.add_argument("--supervise", action="store_true")
    parser.add_argument("--uid", type=int)
    parser.add_argument("--seccomp-file")
    parser.add_argument("--site", action="append", default=[])
    for name in supervisor.LIMITS:
        parser.add_argument(f"--limit-{name}", type=int)
    args = parser.parse_args()
    for folder in args.site:  # the grader's user site (a `pip --user` install)
        site.addsitedir(folder)
    supervisor.apply_limits(args)
    if args.supervise and sys.platform.startswith("linux"):
        code = supervisor.supervise(args, serve)
    else:
        code = serve(args) if supervisor.confined(args) else 96
    _flush_std()
    os._exit(code)
