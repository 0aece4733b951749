"""Targets: how checks reach a submission (`Target`, and its in-process transport)."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

from ..inside.errors import ConfigurationError
from ..inside.probes import exercise_of, load_probes
from ..inside.runtime import NamespaceContext, PackageContext, StudentCodeError

#: the reference solution's package (never in the student kit)
REFERENCE = "toyopt_ref"

#: Seconds of student code allowed per exercise, summed over its probes.
DEFAULT_BUDGET = 60.0


def check_budget(value, source: str = "time budget") -> float:
    """`value` as seconds of student code per exercise: a finite number > 0.

    The one validation of the budget (``--timeout``, ``--time-budget``, library
    calls); a `ConfigurationError` names `source` and the bad value.
    """
    import math

    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ConfigurationError(f"invalid {source} {value!r}: expected a number of seconds") from None
    if isinstance(value, bool) or not (math.isfinite(seconds) and seconds > 0):
        raise ConfigurationError(f"invalid {source} {value!r}: must be a finite number of seconds > 0")
    return seconds


class OutOfTime(BaseException):
    """A transport's word that the call ran past the seconds it was given (a
    BaseException, so that a student's ``except Exception`` cannot swallow the
    in-process alarm that raises it)."""


#: Crashes of the process running the student's code tolerated per exercise.
MAX_CRASHES = 2


class Target:
    """How checks reach a submission: ``probe(name, **kwargs)`` runs a probe next
    to the student's code and returns its plain data.

    This base holds what every route shares: each exercise's time budget (seconds
    of student code, summed over its probes), the limit on crashes, and the
    words of a timeout. A transport implements `_run`: `InProcessTarget` (the
    self-check, notebook cells, the reference) or ``toyopt.grading.target.SandboxTarget``
    (the sandboxed worker). Every failure of the student's code is a `StudentCodeError`.
    """

    def __init__(self, budget: float = DEFAULT_BUDGET):
        self.budget = check_budget(budget)
        self.used: dict[str, float] = {}
        self.crashes: dict[str, list[str]] = {}  # exercise -> crash messages

    #: whether `cpu_seconds` counts every thread and process of the student's side
    #: (False: work in ones that end during a call can escape it)
    cpu_counts_all = True

    def _run(self, name: str, seconds: float, kwargs: dict) -> dict:
        """Run probe `name` within `seconds`; raise `OutOfTime` past them."""
        raise NotImplementedError

    def cpu_seconds(self) -> float | None:
        """CPU seconds the side running the student's code has used so far, read where
        that code cannot forge them (a counter: read it before and after a call); None
        where none can be read."""
        raise NotImplementedError

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
            raise StudentCodeError(exercise, "timeout", f"time budget of {self.budget:g} s used up")
        crashed = self.crashes.get(exercise, [])
        if len(crashed) >= MAX_CRASHES:
            raise StudentCodeError(exercise, "crash", f"{crashed[-1]} (not run again: the process "
                                   f"running your code died {len(crashed)} times in this exercise)")
        start = time.perf_counter()
        try:
            return self._run(name, left, kwargs)
        except OutOfTime:
            raise StudentCodeError(
                exercise, "timeout", f"stopped after {self.budget:g} s (the time budget of this "
                "exercise): look for an infinite loop or work that grows too fast") from None
        except StudentCodeError as err:
            if err.kind == "crash":
                self.crashes.setdefault(exercise, []).append(err.message)
            raise
        finally:
            self.used[exercise] = self.used.get(exercise, 0.0) + time.perf_counter() - start


class InProcessTarget(Target):
    """Probes run here, on functions from `ctx` (a `toyopt_check.inside.runtime`
    context); the budget is enforced with SIGALRM where possible (main thread,
    POSIX)."""

    def __init__(self, ctx, budget: float = DEFAULT_BUDGET):
        super().__init__(budget)
        self.ctx = ctx
        self._probes = load_probes()

    @classmethod
    def for_package(cls, root, package="exercises", **kwargs):
        return cls(PackageContext(Path(root), package, fresh=package != REFERENCE), **kwargs)

    @classmethod
    def for_namespace(cls, namespace, **kwargs):
        return cls(NamespaceContext(namespace), **kwargs)

    @classmethod
    def reference(cls, **kwargs):
        """The reference solution (instructor side: the student kit does not hold it)."""
        import importlib.util

        spec = importlib.util.find_spec(REFERENCE)
        if spec is None or not spec.submodule_search_locations:
            raise ConfigurationError(f"the reference solution ({REFERENCE}) is not installed: "
                                     "it is on the instructor's side only")
        root = Path(list(spec.submodule_search_locations)[0]).resolve().parent
        return cls.for_package(root, REFERENCE, **kwargs)

    def cpu_seconds(self) -> float:
        """This process's CPU time, its ended threads included, not its child processes
        (the self-check is a teaching tool, not a grader)."""
        return time.process_time()

    def _run(self, name: str, seconds: float, kwargs: dict) -> dict:
        if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
            return self._probes[name](self.ctx, **kwargs)

        def on_alarm(signum, frame):
            raise OutOfTime()

        old = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            return self._probes[name](self.ctx, **kwargs)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
