"""The trust boundary (docstring completed below)."""

from .client import (EXERCISE_MODULES, CapturedOutput, ProbeFailed, Worker, WorkerCrashed,
                     WorkerError, WorkerTimeout)
from .launcher import Limits, SandboxWarning, bwrap_works
from .protocol import ProtocolError
from .submission import Submission, materialise

__all__ = ["EXERCISE_MODULES", "CapturedOutput", "Limits", "ProbeFailed", "ProtocolError",
           "SandboxWarning", "Submission", "Worker", "WorkerCrashed", "WorkerError",
           "WorkerTimeout", "bwrap_works", "materialise"]
