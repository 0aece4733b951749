"""The checks' `Target` over a sandboxed worker (trusted side): the sandbox transport.

The budget, the crash limit and the timeout's words are the base `Target`'s
(``toyopt_check.checks.target``); `SandboxTarget._run` runs one probe in the
worker and turns every worker fault into the one form of a student's error,
`StudentCodeError`:

========================  ==========================================================
the worker                the checks see
========================  ==========================================================
times out                 ``OutOfTime`` -> kind ``timeout`` (restarted for the next call)
crashes                   kind ``crash``, saying how it ended (restarted too)
reports a failure         the ``StudentCodeError`` it sent, as plain data
sends a malformed frame   kind ``crash``: "sent malformed data back" (restarted)
sends a reply that        kind ``crash``, naming what did not fit (see `replies`;
does not fit              restarted)
========================  ==========================================================

Every result is held to what its probe may return (`replies.check_reply`:
keys, types, array kinds and sizes) before a check or a figure sees it.

A restart is lazy (the next call starts a fresh worker) and its start-up is not
charged to any exercise's budget.
"""

from __future__ import annotations

from toyopt.sandbox import CapturedOutput, Worker, WorkerCrashed, WorkerTimeout
from toyopt.sandbox.client import describe_exit
from toyopt_check.checks.target import DEFAULT_BUDGET, OutOfTime, Target
from toyopt_check.inside.probes import exercise_of
from toyopt_check.inside.protocol import ProtocolError
from toyopt_check.inside.runtime import StudentCodeError

from .replies import ReplyRejected, check_reply


class SandboxTarget(Target):
    """Probes run in `worker` (a :class:`toyopt.sandbox.Worker` made with the
    probe package ``toyopt_check/inside/probes``)."""

    def __init__(self, worker: Worker, budget: float = DEFAULT_BUDGET):
        super().__init__(budget)
        self.worker = worker
        self.restarts = 0
        self.outputs: list[tuple[CapturedOutput, CapturedOutput]] = []  # of stopped workers
        self.isolations: set[str] = set()  # "bwrap" / "subprocess" of each start
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
            self.isolations.add(self.worker.isolation)

    def start(self) -> None:
        """Start the worker now (otherwise the first probe starts it)."""
        self._ensure_started()

    def captured(self) -> list[tuple[CapturedOutput, CapturedOutput]]:
        """``(stdout, stderr)`` of every worker this target started, in order."""
        current = [(self.worker.stdout, self.worker.stderr)] if self._started else []
        return self.outputs + current

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
