"""`SandboxTarget`, the checks' `Target` over a sandboxed worker, and `SandboxSession`.  The budget, the
crash limit and the timeout's words are the base's (``toyopt_check.checks.target``);
`SandboxTarget._run` runs one probe in the worker, holds its result to what the
probe may return (`replies.check_reply`) and turns every worker fault into a
`StudentCodeError`: a timeout is ``OutOfTime``; a crash, a malformed frame or a
reply that does not fit is kind ``crash``, and the next call starts a fresh
worker (its start-up charged to no exercise's budget).

The **grading seed** (``grading_seed``) is an HMAC of the submission's content
under the instructor's secret (`grading_secret`), which the kit never holds and
the sandbox cannot read (``/root`` and ``/home`` are hidden; the file is ``0600``
for the fallback's uid).  The visible checks draw their timed sizes and extra
inputs from it (`toyopt_check.checks.expect.drawn_for`): a student cannot know
them in advance, and re-grading the same submission draws the same ones.

`SandboxSession` is one grading on it, shared by `toyopt grade`, the nbgrader step and
the Gradescope bundle: one worker on one scratch folder and its `SandboxTarget`.
Entering starts the worker (its canary runs before any student code) while a thread
does what the checks need and the submission does not change (`warm_up`: about 3 s
that overlap the worker's start). Leaving stops the worker and joins that thread,
whatever happened: an interpreter that exits while torch is still initialising in
another thread aborts ("terminate called without an active exception").
"""

from __future__ import annotations

import functools
import gc
import hashlib
import hmac
import os
import secrets
import sys
import threading
import warnings
from pathlib import Path

import toyopt.checks  # noqa: F401  (registers the hidden checks with all_checks)
from toyopt.sandbox import CapturedOutput, Limits, SandboxWarning, Worker, WorkerCrashed, WorkerTimeout
from toyopt.sandbox.client import describe_exit
from toyopt_check.checks.core import EXERCISES, CheckResult, all_checks, grading_settings, run_checks
from toyopt_check.checks.expect import drawn, expected
from toyopt_check.checks.target import DEFAULT_BUDGET, OutOfTime, Target
from toyopt_check.inside import probes
from toyopt_check.inside.errors import ConfigurationError
from toyopt_check.inside.probes import exercise_of
from toyopt_check.inside.protocol import ProtocolError
from toyopt_check.inside.replies import ReplyRejected, check_reply
from toyopt_check.inside.runtime import StudentCodeError

#: The instructor's grading secret: this file (``TOYOPT_GRADING_SECRET`` names
#: another), created by the first grading on this install; a Gradescope bundle
#: ships one so that its re-grades draw the same inputs.
SECRET_ENV = "TOYOPT_GRADING_SECRET"
SECRET_BYTES = 32


def secret_path() -> Path:
    """Where the grading secret lives (``$TOYOPT_GRADING_SECRET`` or the user's config folder)."""
    if os.environ.get(SECRET_ENV):
        return Path(os.environ[SECRET_ENV])
    config = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(config) / "toyopt" / "grading-secret"


def grading_secret(path: Path | None = None) -> bytes:
    """The secret's bytes; created (random, mode 0600, never overwritten) when missing."""
    path = secret_path() if path is None else Path(path)
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    except ValueError as exc:
        raise ConfigurationError(f"the grading secret {path} is not hexadecimal: {exc}") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another grading made it meanwhile
        return grading_secret(path)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(SECRET_BYTES) + "\n")
    return grading_secret(path)


def content_hash(folder) -> bytes:
    """SHA-256 over the relative paths and bytes of every file under `folder`, sorted."""
    root = Path(folder)
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        digest.update(path.relative_to(root).as_posix().encode("utf-8", "surrogateescape") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.digest()


def grading_seed(folder, secret: bytes | None = None) -> int:
    """A 63-bit seed from the submission in `folder` and the instructor's secret."""
    mac = hmac.new(grading_secret() if secret is None else secret, content_hash(folder), hashlib.sha256)
    return int.from_bytes(mac.digest()[:8], "big") >> 1


class SandboxTarget(Target):
    """Probes run in `worker` (a :class:`toyopt.sandbox.Worker` made with the
    probe package ``toyopt_check/inside/probes``); `seed`: the grading seed
    (default: from the submission the worker copies, hashed now)."""

    def __init__(self, worker: Worker, budget: float = DEFAULT_BUDGET, seed: int | None = None):
        super().__init__(budget)
        self.worker = worker
        self.grading_seed = grading_seed(worker.scratch_dir) if seed is None else int(seed)
        self.restarts = 0
        self.outputs: list[tuple[CapturedOutput, CapturedOutput]] = []  # of stopped workers
        self._started = False
        #: whether CUDA works where student code runs: the first worker's canary says,
        #: measured before any student code (None until started); `run_checks` takes it
        self.cuda_available: bool | None = None
        worker.report_cuda = True

    def _ensure_started(self) -> None:
        if self.worker.pid is None:
            if self._started:  # the last one was stopped: keep what it printed
                self.outputs.append((self.worker.stdout, self.worker.stderr))
                self.restarts += 1
            self.worker.start()
            if not self._started:
                self.cuda_available = bool(self.worker.cuda_available)
            self._started = True

    def start(self) -> None:
        """Start the worker now (otherwise the first probe starts it)."""
        self._ensure_started()

    def captured(self) -> list[tuple[CapturedOutput, CapturedOutput]]:
        """``(stdout, stderr)`` of every worker this target started, in order."""
        current = [(self.worker.stdout, self.worker.stderr)] if self._started else []
        return self.outputs + current

    @property
    def cpu_counts_all(self) -> bool:
        return self.worker.cpu_counts_all

    def cpu_seconds(self) -> float | None:
        """The worker's CPU seconds (`Worker.cpu_seconds`: its cgroup, else its process tree)."""
        return self.worker.cpu_seconds()

    def _run(self, name: str, seconds: float, kwargs: dict) -> dict:
        exercise = exercise_of(name)
        self._ensure_started()
        try:
            return check_reply(name, kwargs, self.worker.call(name, timeout=seconds, **kwargs))
        except ReplyRejected as exc:
            # a reply no honest probe sends: the worker may have forged it (and then exited,
            # or left its pipe in any state), so the next call starts a fresh one
            self.worker.close()
            raise StudentCodeError(exercise, "crash", "no result: the process running your code "
                                   f"sent back data the grader did not ask for ({exc})") from None
        except WorkerTimeout:
            raise OutOfTime() from None
        except WorkerCrashed as exc:
            raise StudentCodeError(exercise, "crash", crash_message(exc)) from None
        except ProtocolError:
            raise StudentCodeError(exercise, "crash", "no result: the process running your code "
                                   "sent malformed data back to the grader") from None


def crash_message(exc: WorkerCrashed) -> str:
    """'a fatal error: the process running your code exited with status 7' (+ stderr)."""
    how = describe_exit(exc.returncode) if exc.returncode is not None else "closed the grader's pipe"
    message = f"a fatal error: the process running your code {how}"
    if exc.stderr_tail:
        message += f"; last lines of its stderr:\n{exc.stderr_tail}"
    return message


def _import_optimisers() -> None:
    import torch

    torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)  # imports torch._dynamo


def warm_up(seed: int) -> None:
    """Do what the checks need and the submission does not change, before the
    first check (best effort, any thread: what fails here fails again in the
    check that needs it): import the checks, torch's optimisers and Hypothesis,
    and compute every exercise's expected values, fixed and drawn from `seed`.

    The first warm-up of a process runs with the collector off and freezes
    what it made (`gc.freeze`): every full collection, the one at the
    interpreter's exit included, walked the ~300,000 objects of torch, sympy
    and matplotlib again (over 1 s of CPU in a grading); the garbage it leaves
    is kept (about 8 MB). Later ones change nothing: they would keep the
    garbage of the gradings before them."""
    first = "torch" not in sys.modules and gc.isenabled()
    if first:
        gc.disable()
    steps = [all_checks, _import_optimisers, grading_settings,
             *(functools.partial(expected, exercise) for exercise in EXERCISES),
             *(functools.partial(drawn, exercise, seed) for exercise in EXERCISES)]
    try:
        for step in steps:
            try:
                step()
            except Exception:
                pass
    finally:
        if first:
            gc.freeze()
            gc.enable()


class SandboxSession:
    """``with SandboxSession(scratch, budget=60) as session: session.run(checks)``."""

    def __init__(self, scratch, *, budget: float, limits: Limits | None = None,
                 isolation: str = "auto", hide=()):
        self.worker = Worker(scratch, probes.HERE, limits=limits, isolation=isolation, hide=hide,
                             preload=True)
        self.worker.canary_find = ("torch",)
        self.target = SandboxTarget(self.worker, budget=budget)
        self._warm = threading.Thread(target=warm_up, args=(self.target.grading_seed,),
                                      name="toyopt-warm-up", daemon=True)
        self._warnings = warnings.catch_warnings()

    def __enter__(self) -> SandboxSession:
        self._warnings.__enter__()
        warnings.simplefilter("ignore", SandboxWarning)  # the report says how the code was contained
        self._warm.start()
        try:
            self.target.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.worker.close()
        finally:
            self._warm.join()
            self._warnings.__exit__(None, None, None)

    @property
    def facts(self) -> dict:
        """What contained the code (`Worker.isolation_facts`)."""
        return self.worker.isolation_facts

    def run(self, checks=None) -> tuple[CheckResult, ...]:
        """The results of `checks` (default: every check, hidden ones included)."""
        self._warm.join()
        # whether the CUDA checks can run is what the worker saw, not this process
        return tuple(run_checks(self.target, all_checks() if checks is None else checks,
                                cuda_available=self.target.cuda_available))
