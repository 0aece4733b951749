"""Targets: how checks reach a submission.

`InProcessTarget` runs probes in this process (students' self-check with
`pytest autograder`, nbgrader cells, the reference). A per-exercise time
budget is enforced with SIGALRM where possible (main thread, POSIX). The
sandboxed worker target lives in `toyopt.sandbox`.
"""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

from ..inside.errors import ConfigurationError
from ..inside.probes import exercise_of, load_probes
from ..inside.runtime import NamespaceContext, PackageContext, StudentCodeError
from .core import ExerciseTimeout, NotImplementedYet, StudentException

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


class _Alarm(BaseException):
    """Raised by the SIGALRM handler; a BaseException so that student
    ``except Exception`` blocks do not swallow it."""


def translate(err: StudentCodeError):
    """A probe's `StudentCodeError` as the check framework's exception."""
    if err.kind == "not_implemented":
        return NotImplementedYet(err.exercise, err.message)
    return StudentException(err.exercise, err.message)


class InProcessTarget:
    """Probes run here, on functions from `ctx` (a probes.runtime context)."""

    def __init__(self, ctx, budget: float = DEFAULT_BUDGET):
        self.ctx = ctx
        self.budget = float(budget)
        self.used: dict[str, float] = {}
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

    def student_home(self, exercise: str) -> str | None:
        """Where the student writes `exercise`, for messages: the notebook's cell when
        the functions come from a notebook's namespace (None: the package's file)."""
        return "its solution cell of the notebook" if isinstance(self.ctx, NamespaceContext) else None

    def probe(self, name: str, **kwargs) -> dict:
        exercise = exercise_of(name)
        left = self.budget - self.used.get(exercise, 0.0)
        if left <= 0:
            raise ExerciseTimeout(exercise, f"time budget of {self.budget:g} s used up")
        use_alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
        start = time.perf_counter()
        old = None
        if use_alarm:
            def on_alarm(signum, frame):
                raise _Alarm()

            old = signal.signal(signal.SIGALRM, on_alarm)
            signal.setitimer(signal.ITIMER_REAL, left)
        try:
            return self._probes[name](self.ctx, **kwargs)
        except StudentCodeError as err:
            raise translate(err) from None
        except _Alarm:
            raise ExerciseTimeout(
                exercise, f"stopped after {self.budget:g} s (the time budget of this exercise): "
                "look for an infinite loop or work that grows too fast") from None
        finally:
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, old)
            self.used[exercise] = self.used.get(exercise, 0.0) + time.perf_counter() - start
