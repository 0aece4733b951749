"""The checks' `Target` over a sandboxed worker (trusted side).

`SandboxTarget.probe(name, **kwargs)` runs probe `name` in the worker with a
timeout equal to what is left of the exercise's time budget, and turns every
worker fault into the check framework's exceptions:

========================  ==========================================================
worker raises             checks see
========================  ==========================================================
``WorkerTimeout``         ``ExerciseTimeout`` (the worker is restarted for the next call)
``WorkerCrashed``         ``StudentException`` saying how it ended (restarted too)
``ProbeFailed``           ``NotImplementedYet`` for a stub, else ``StudentException``
``ProtocolError``         ``StudentException("sent malformed data back")`` (restarted)
``ReplyRejected``         ``StudentException`` naming what did not fit (see `replies`; restarted)
========================  ==========================================================

Every result is held to what its probe may return (`replies.check_reply`:
keys, types, array kinds and sizes) before a check or a figure sees it.

The target carries the **grading seed** (``grading_seed``): an HMAC of the
submission's content (its scratch copy, hashed before any of its code runs)
under the instructor's secret (`grading_secret`), which the kit never holds and
the sandbox cannot read (``/root`` and ``/home`` are hidden by bubblewrap; the
file is ``0600`` for the fallback's own uid). The visible checks draw their
timed sizes and extra inputs from it (`toyopt_check.checks.expect.drawn_for`),
so a student cannot know them in advance, and re-grading the same submission
draws the same ones.

A restart is lazy (the next call starts a fresh worker) and its start-up is not
charged to any exercise's budget. After `MAX_CRASHES` crashes within one
exercise, its remaining probes fail at once with the last crash's message
instead of restarting again (each restart costs a torch import), as a timeout
costs an exercise once.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

from toyopt.errors import ConfigurationError
from toyopt.sandbox import CapturedOutput, ProbeFailed, Worker, WorkerCrashed, WorkerTimeout
from toyopt.sandbox.client import describe_exit
from toyopt_check.checks.core import ExerciseTimeout, NotImplementedYet, StudentException
from toyopt_check.checks.target import DEFAULT_BUDGET, check_budget
from toyopt_check.inside.probes import exercise_of
from toyopt_check.inside.protocol import ProtocolError

from .replies import ReplyRejected, check_reply

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


#: Worker crashes (os._exit, segfault, protocol abuse) tolerated per exercise.
MAX_CRASHES = 2


class SandboxTarget:
    """Probes run in `worker` (a :class:`toyopt.sandbox.Worker` made with the
    probe package ``toyopt/probes``); `budget` seconds of student code per
    exercise, summed over its probes; `seed`: the grading seed (default: from
    the worker's scratch copy, hashed now, before the worker starts)."""

    def __init__(self, worker: Worker, budget: float = DEFAULT_BUDGET, seed: int | None = None):
        self.worker = worker
        self.grading_seed = grading_seed(worker.scratch_dir) if seed is None else int(seed)
        self.budget = check_budget(budget)
        self.used: dict[str, float] = {}
        self.restarts = 0
        self.outputs: list[tuple[CapturedOutput, CapturedOutput]] = []  # of stopped workers
        self.isolations: set[str] = set()  # "bwrap" / "subprocess" of each start
        self.crashes: dict[str, list[str]] = {}  # exercise -> crash messages
        self._started = False

    def _ensure_started(self) -> None:
        if self.worker.pid is None:
            if self._started:  # the last one was stopped: keep what it printed
                self.outputs.append((self.worker.stdout, self.worker.stderr))
                self.restarts += 1
            self.worker.start()
            self._started = True
            self.isolations.add(self.worker.isolation)

    def start(self) -> None:
        """Start the worker now (otherwise the first probe starts it)."""
        self._ensure_started()

    def captured(self) -> list[tuple[CapturedOutput, CapturedOutput]]:
        """``(stdout, stderr)`` of every worker this target started, in order."""
        current = [(self.worker.stdout, self.worker.stderr)] if self._started else []
        return self.outputs + current

    def probe(self, name: str, **kwargs) -> dict:
        return self.probe_within(None, name, **kwargs)

    def probe_within(self, seconds: float | None, name: str, **kwargs) -> dict:
        """`probe`, stopped after at most `seconds` (None: what is left of the
        exercise's budget, which caps `seconds` too); the feedback's figures
        use this to spend only a share of what the checks left."""
        exercise = exercise_of(name)
        left = self.budget - self.used.get(exercise, 0.0)
        if seconds is not None:
            left = min(left, seconds)
        if left <= 0:
            raise ExerciseTimeout(exercise, f"time budget of {self.budget:g} s used up")
        crashed = self.crashes.get(exercise, [])
        if len(crashed) >= MAX_CRASHES:
            raise StudentException(exercise, f"{crashed[-1]} (not run again: the process "
                                   f"running your code died {len(crashed)} times in this exercise)")
        self._ensure_started()
        start = time.perf_counter()
        try:
            return check_reply(name, kwargs, self.worker.call(name, timeout=left, **kwargs))
        except ReplyRejected as exc:
            # a reply no honest probe sends: the worker may have forged it (and then exited,
            # or left its pipe in any state), so the next call starts a fresh one
            self.worker.close()
            raise StudentException(exercise, "no result: the process running your code sent "
                                   f"back data the grader did not ask for ({exc})") from None
        except WorkerTimeout:
            raise ExerciseTimeout(
                exercise, f"stopped after {self.budget:g} s (the time budget of this exercise): "
                "look for an infinite loop or work that grows too fast") from None
        except WorkerCrashed as exc:
            self.crashes.setdefault(exercise, []).append(crash_message(exc))
            raise StudentException(exercise, crash_message(exc)) from None
        except ProbeFailed as exc:
            raise probe_failure(exercise, exc) from None
        except ProtocolError:
            message = ("no result: the process running your code sent malformed data back "
                       "to the grader")
            self.crashes.setdefault(exercise, []).append(message)
            raise StudentException(exercise, message) from None
        finally:
            self.used[exercise] = self.used.get(exercise, 0.0) + time.perf_counter() - start


def crash_message(exc: WorkerCrashed) -> str:
    """'a fatal error: the process running your code exited with status 7' (+ stderr)."""
    how = describe_exit(exc.returncode) if exc.returncode is not None else "closed the grader's pipe"
    message = f"a fatal error: the process running your code {how}"
    if exc.stderr_tail:
        message += f"; last lines of its stderr:\n{exc.stderr_tail}"
    return message


def probe_failure(exercise: str, exc: ProbeFailed):
    """The check framework's exception for a student failure the worker reported."""
    where = f" ({exc.frames[-1]})" if exc.frames and exc.type_name != "StudentCodeError" else ""
    if exc.kind == "not_implemented":
        return NotImplementedYet(exercise, exc.message)
    if exc.kind == "exit":
        return StudentException(exercise, f"SystemExit: your code {exc.message}{where}")
    if exc.kind == "load_error" or exc.type_name == "StudentCodeError":
        return StudentException(exercise, exc.message)
    if exc.kind == "bad_result":
        return StudentException(exercise, f"a result that cannot be sent back to the grader: "
                                f"{exc.message}")
    return StudentException(exercise, f"{exc.type_name}: {exc.message}{where}")
