"""One sandboxed grading session, shared by `toyopt grade`, the nbgrader step and
the Gradescope bundle: one worker on one scratch folder and its `SandboxTarget`.

Entering starts the worker (its canary runs before any student code) while a
thread imports what the checks need (torch, the check modules: about 3 s that
overlap the worker's start).  Leaving stops the worker and joins that thread,
whatever happened: an interpreter that exits while torch is still initialising
in another thread aborts ("terminate called without an active exception").
"""

from __future__ import annotations

import threading
import warnings

import toyopt.checks  # noqa: F401  (registers the hidden checks with all_checks)
from toyopt.sandbox import Limits, SandboxWarning, Worker
from toyopt_check.checks.core import CheckResult, all_checks, run_checks
from toyopt_check.inside import probes

from .target import SandboxTarget


def warm_up() -> None:
    """Import what grading needs in this process (best effort, any thread)."""
    try:
        all_checks()
        import torch

        torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)  # imports torch._dynamo
    except Exception:
        pass


class SandboxSession:
    """``with SandboxSession(scratch, budget=60) as session: session.run(checks)``."""

    def __init__(self, scratch, *, budget: float, limits: Limits | None = None,
                 isolation: str = "auto", hide=()):
        self.worker = Worker(scratch, probes.HERE, limits=limits, isolation=isolation, hide=hide,
                             preload=True)
        self.worker.canary_find = ("torch",)
        self.target = SandboxTarget(self.worker, budget=budget)
        self._warm = threading.Thread(target=warm_up, name="toyopt-warm-up", daemon=True)
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
