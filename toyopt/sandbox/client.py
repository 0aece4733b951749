"""Trusted side of the boundary: :class:`Worker` starts, calls and stops the worker.

Every reply is validated (:mod:`.protocol`) before use, and every fault is typed: the
``Worker*`` errors below, :class:`StudentCodeError` (the student's failure as plain data,
as on the in-process routes; ``sys.exit`` in a probe is kind ``exit``) and
:class:`ProtocolError` (not a valid frame: the worker is killed).  Student output is
drained by threads: the first ``limits.output_bytes`` of each stream are kept, the rest
only counted.
"""

from __future__ import annotations

import glob
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from toyopt_check.inside import protocol
from toyopt_check.inside.errors import ConfigurationError, GraderError, SubmissionError
from toyopt_check.inside.probes import exercise_of
from toyopt_check.inside.protocol import ProtocolError
from toyopt_check.inside.runtime import EXERCISE_MODULES as STUDENT_MODULES
from toyopt_check.inside.runtime import StudentCodeError
from toyopt_check.inside.supervisor import SCRATCH_FULL, descendants

from . import launcher, paths
from .launcher import Limits, SandboxBroken
from .submission import NOTEBOOK_FILE

#: exercise name -> module of an ``exercises/`` package submission
EXERCISE_MODULES = {name: f"exercises.{module}" for name, module in STUDENT_MODULES.items()}
TAIL_BYTES = 4096


class WorkerError(SubmissionError):
    """Base of the failures a call to the worker can raise."""


class WorkerTimeout(WorkerError):
    """A call or the start ran past its deadline: the worker was killed, and the next
    call starts a fresh one."""


class WorkerCrashed(WorkerError):
    """The worker ended while a reply was awaited: how (`returncode`, None when it
    only closed its pipe), and the last lines of its stderr."""

    def __init__(self, message: str, returncode: int | None = None, stderr_tail: str = ""):
        super().__init__(message)
        self.returncode = returncode
        self.stderr_tail = stderr_tail


@dataclass(frozen=True)
class CapturedOutput:
    """A bounded capture of one output stream of the worker."""

    head: str          #: first ``limits.output_bytes`` bytes, decoded
    tail: str          #: last 4 kB, decoded (for crash messages)
    total_bytes: int   #: everything written, kept or not

    @property
    def truncated(self) -> bool:
        return self.total_bytes > len(self.head.encode("utf-8", "replace"))


class _Drain(threading.Thread):
    """Read a pipe to EOF, keeping a bounded head and tail and counting the rest."""

    def __init__(self, stream, limit: int):
        super().__init__(daemon=True)
        self._fd, self._stream, self._limit = stream.fileno(), stream, limit
        self._head, self._tail, self._total = bytearray(), bytearray(), 0
        self._lock = threading.Lock()

    def run(self):
        while True:
            try:
                chunk = os.read(self._fd, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            with self._lock:
                self._total += len(chunk)
                room = self._limit - len(self._head)
                if room > 0:
                    self._head += chunk[:room]
                self._tail = (self._tail + chunk)[-TAIL_BYTES:]
        self._stream.close()

    def snapshot(self) -> CapturedOutput:
        with self._lock:
            return CapturedOutput(self._head.decode("utf-8", "replace"),
                                  self._tail.decode("utf-8", "replace"), self._total)


def describe_exit(returncode: int) -> str:
    """'was killed by SIGSEGV (...)' / 'exited with status 3' for a worker's exit code
    (bwrap and the fallback's subreaper both report a signal death as 128 + N)."""
    signum = -returncode if returncode < 0 else returncode - 128 if returncode > 128 else 0
    if signum:
        try:
            name = signal.Signals(signum).name
        except ValueError:
            name = f"signal {signum}"
        hint = {"SIGKILL": " (out of memory, or killed)", "SIGXCPU": " (CPU time limit)",
                "SIGSEGV": " (segmentation fault)", "SIGABRT": " (aborted)"}.get(name, "")
        return f"was killed by {name}{hint}"
    if returncode == SCRATCH_FULL:
        return "was stopped: its files passed the size limit of its scratch folder"
    return f"exited with status {returncode}"


def stderr_summary(tail: str) -> str:
    """The last 6 lines of stderr a student may see: no blank lines, no frames of
    the grader's own files (faulthandler dumps list them)."""
    kept = [line for line in tail.splitlines()
            if line.strip() and "toyopt-worker" not in line
            and not line.startswith("Extension modules:")]
    return "\n".join(kept[-6:])


def tree_cpu_seconds(root: int) -> float | None:
    """CPU seconds of the live threads of `root` and its descendants (the first field of
    each ``/proc/PID/task/TID/schedstat``, ns; ``stat``'s utime counts 10 ms ticks);
    None where none can be read. Threads and processes that have ended are not counted."""
    total, read = 0, False
    for pid in (root, *descendants(root)):
        for path in glob.glob(f"/proc/{pid}/task/*/schedstat"):
            try:
                with open(path) as handle:
                    total += int(handle.read().split()[0])
                read = True
            except (OSError, ValueError, IndexError):
                pass
    return total / 1e9 if read else None


class Worker:
    """A sandboxed worker serving probe calls on the submission in ``scratch_dir``,
    which each worker (a restart too) copies and never changes.  Use it as a
    context manager (or call :meth:`close`).  ``isolation``: ``"auto"`` (bubblewrap
    when it works, else the fallback with a :class:`SandboxWarning`), ``"bwrap"``
    or ``"subprocess"``; ``hide``: more folders to hide.  Not thread-safe: use
    one Worker from one long-lived thread (``--die-with-parent`` follows the
    thread that started it).
    """

    def __init__(self, scratch_dir, probes_path, limits: Limits | None = None, *,
                 isolation: str = "auto", hide=(), preload: bool = False):
        self.scratch_dir = Path(scratch_dir)
        self.preload = bool(preload)  # import torch/matplotlib right after the handshake
        self.probes_path = Path(probes_path)
        self.limits = limits or Limits()
        self._isolation_request, self._hide = isolation, tuple(hide)
        self._facts: dict = {}
        self._notebook = NOTEBOOK_FILE if (self.scratch_dir / NOTEBOOK_FILE).is_file() else None
        self._launched: launcher.Launched | None = None
        self._drains: tuple[_Drain, _Drain] | None = None
        self._next_id = 0
        self.canary: dict = {}
        self.canary_imports: tuple[str, ...] = ()  #: libraries the canary must import
        self.canary_find: tuple[str, ...] = ()     #: libraries the canary must find
        self.report_cuda = False  #: the canary imports torch and says whether CUDA works inside

    def __enter__(self) -> "Worker":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def isolation(self) -> str | None:
        """``"bwrap"`` or ``"subprocess"`` once started."""
        return self._launched.isolation if self._launched else None

    @property
    def frame_bytes(self) -> int:
        """Largest frame accepted either way (at most the protocol's 8 MiB)."""
        return min(self.limits.max_message_bytes, protocol.MAX_BYTES)

    @property
    def isolation_facts(self) -> dict:
        """What held for the current (or last) start: ``sandbox`` (``bwrap``,
        ``fallback-uid`` or ``plain``), ``uid`` inside, ``cgroup`` (``v1``, ``v2``,
        ``none``), ``seccomp`` (bool, measured inside) and ``notes``."""
        return dict(self._facts)

    @property
    def pid(self) -> int | None:
        return self._launched.process.pid if self._launched else None

    @property
    def stdout(self) -> CapturedOutput:
        return self._drains[0].snapshot() if self._drains else CapturedOutput("", "", 0)

    @property
    def stderr(self) -> CapturedOutput:
        return self._drains[1].snapshot() if self._drains else CapturedOutput("", "", 0)

    def start(self) -> None:
        """Launch the worker and load the probe module (idempotent)."""
        if self._launched is not None:
            return
        needs = (*paths.WORKER_LIBRARIES, *self.canary_imports, *self.canary_find)
        self._launched = launcher.launch(self.scratch_dir, self.probes_path, self.limits,
                                         isolation=self._isolation_request, hide=self._hide,
                                         needs=tuple(dict.fromkeys(needs)))
        proc = self._launched.process
        self._drains = (_Drain(proc.stdout, self.limits.output_bytes),
                        _Drain(proc.stderr, self.limits.output_bytes))
        for drain in self._drains:
            drain.start()
        hello = {"op": "hello", "exercise_modules": EXERCISE_MODULES,
                 "notebook": self._notebook, "preload": self.preload,
                 "max_message_bytes": self.frame_bytes,
                 "hidden": list(self._launched.hidden), "imports": list(self.canary_imports),
                 "find": list(self.canary_find), "cuda": self.report_cuda}
        try:
            reply = self._exchange(hello, "starting the worker", self.limits.start_timeout)
        except (WorkerCrashed, WorkerTimeout, ProtocolError) as exc:
            # no student code has run yet: the sandbox or the interpreter is at fault
            self.close()
            raise SandboxBroken(f"the sandbox's worker cannot start: {exc}") from None
        if not reply.get("ok"):
            self.close()
            raise GraderError(
                f"probe module {self.probes_path} failed to load in the worker: "
                f"{reply.get('type')}: {reply.get('message')}")
        self.canary = reply.get("canary") if isinstance(reply.get("canary"), dict) else {}
        self._facts = self._judge(self._launched, self.canary)

    def _judge(self, launched: launcher.Launched, canary: dict) -> dict:
        """The isolation facts, from what the launcher set up and what the canary
        measured inside; a hole raises :class:`SandboxBroken`."""
        facts = dict(launched.facts, notes=list(launched.facts.get("notes", [])))
        problems = []
        if launched.uid is not None and (canary.get("uid"), canary.get("euid")) != (
                launched.uid, launched.uid):
            problems.append(f"the worker runs as uid {canary.get('uid')}, "
                            f"not the sandbox's uid {launched.uid}")
        exposed = canary.get("exposed") or []
        if exposed and facts.get("sandbox") != "plain":
            shown = ", ".join(map(str, exposed[:3])) + (
                f" and {len(exposed) - 3} more" if len(exposed) > 3 else "")
            problems.append(f"the student's uid can reach the instructor's files ({shown}): "
                            "make them unreadable to other users, or grade where bubblewrap "
                            "works")
        missing = canary.get("missing") or {}
        if missing:
            problems.append("inside the sandbox, " + "; ".join(
                f"{name} cannot be imported ({why})" for name, why in missing.items())
                + f" (interpreter {sys.executable})")
        if problems:
            self.close()
            raise SandboxBroken("the sandbox is broken: " + "; ".join(problems))
        facts["uid"] = canary.get("uid")
        facts["seccomp"] = str(canary.get("seccomp")) == "2"
        if not facts["seccomp"]:
            facts["notes"].append("seccomp: not active (ptrace is not denied)")
        return facts

    @property
    def cuda_available(self) -> bool | None:
        """Whether CUDA works inside the sandbox, as the worker measured it before any
        student code ran (``report_cuda``); None when not asked or not started."""
        cuda = self.canary.get("cuda")
        return cuda if isinstance(cuda, bool) else None

    @property
    def cpu_counts_all(self) -> bool:
        """Whether `cpu_seconds` reads the cgroup, which counts every process and thread
        the worker ever ran; else it sums the live threads of its process tree."""
        launched = self._launched
        return launched is not None and launched.cgroup is not None \
            and launched.cgroup.cpu_seconds() is not None

    def cpu_seconds(self) -> float | None:
        """CPU seconds the worker's processes have used so far, read from the kernel,
        outside the worker (a counter: read it before and after a call); None when
        not started or where the kernel shows none."""
        if self._launched is None:
            return None
        if self.cpu_counts_all:
            return self._launched.cgroup.cpu_seconds()
        return tree_cpu_seconds(self._launched.process.pid)

    def restart(self) -> None:
        """Kill the worker (if any) and start a fresh one."""
        self.close()
        self.start()

    def close(self, graceful: bool = True) -> None:
        """Stop the worker and everything it started (at once unless `graceful`); safe
        to call twice."""
        launched, self._launched = self._launched, None
        if launched is None:
            return
        proc = launched.process
        if graceful and proc.poll() is None:
            # polite first: an idle worker exits at once
            with suppress(ProtocolError, OSError, subprocess.TimeoutExpired):
                protocol.write_frame(launched.request_fd, {"op": "shutdown"},
                                     time.monotonic() + 0.2)
                proc.wait(timeout=1.0)
        launched.stop()  # the process tree, the cgroup, the uid, the code and scratch folders
        for fd in (launched.request_fd, launched.reply_fd):
            with suppress(OSError):
                os.close(fd)
        for drain in self._drains or ():
            drain.join(timeout=2.0)

    def call(self, probe: str, timeout: float, **kwargs) -> dict:
        """Run ``probe(ctx, **kwargs)`` in the worker and return its result dict."""
        if not timeout > 0:
            raise ConfigurationError(f"invalid timeout {timeout!r} for probe {probe!r}")
        self.start()
        self._next_id += 1
        request = {"id": self._next_id, "probe": probe, "kwargs": kwargs}
        try:
            protocol.encode(request, max_bytes=self.frame_bytes)
        except ProtocolError as exc:
            raise GraderError(f"arguments of probe {probe!r} cannot be sent: {exc}") from exc
        reply = self._exchange(request, f"probe {probe!r}", timeout)
        if reply.get("id") != self._next_id or not isinstance(reply.get("ok"), bool):
            self.close()
            raise ProtocolError(f"the worker's reply to probe {probe!r} is not an answer to it")
        if reply["ok"]:
            result = reply.get("result")
            if not isinstance(result, dict):
                self.close()
                raise ProtocolError(f"probe {probe!r} returned no result dict")
            return result
        kind = str(reply.get("kind"))
        if kind == "unknown_probe":
            raise GraderError(f"the probe module defines no probe {probe!r}")
        # the student's failure, as the in-process routes raise it (an unknown kind
        # reads as an exception; a "timeout" or "crash" is only ever the grader's word)
        if kind not in StudentCodeError.KINDS or kind in ("timeout", "crash"):
            kind = "exception"
        raise StudentCodeError(exercise_of(probe), kind, str(reply.get("message"))[:4000])

    def _exchange(self, message: dict, what: str, timeout: float) -> dict:
        launched = self._launched
        deadline = time.monotonic() + timeout
        try:
            protocol.write_frame(launched.request_fd, message, deadline)
            return protocol.read_frame(launched.reply_fd, deadline,
                                       max_bytes=self.frame_bytes,
                                       max_arrays=self.limits.max_arrays)
        except protocol.FrameTimeout:
            self.close(graceful=False)
            raise WorkerTimeout(f"{what} did not finish within {timeout:g} s; "
                                "the worker was stopped") from None
        except protocol.FrameEOF:
            raise self._crashed(launched, what) from None
        except ProtocolError as exc:
            self.close(graceful=False)
            raise ProtocolError(f"invalid reply from the worker ({what}): {exc}") from None

    def _crashed(self, launched: launcher.Launched, what: str) -> WorkerCrashed:
        proc = launched.process
        try:
            returncode = proc.wait(timeout=2.0)
            how = describe_exit(returncode)
        except subprocess.TimeoutExpired:  # alive but closed its pipe
            returncode, how = None, "closed the grader's pipe"
        self.close()
        tail = stderr_summary(self.stderr.tail)
        message = f"the submission's process {how} during {what}"
        if tail:
            message += f"; last lines of its stderr:\n{tail}"
        return WorkerCrashed(message, returncode, tail)
