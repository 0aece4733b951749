"""The trusted half of the boundary.  Student code runs only in a worker
(``toyopt_check/inside/``) that ``launcher`` starts in bubblewrap or the fallback, in a
cgroup (``cgroups``), under seccomp (``seccomp``), seeing what ``paths`` allows of the
interpreter, on a scratch copy of the submission (``submission``); ``client`` calls it
and only plain data comes back.  What holds on each route: docs/threat-model.md.
"""

from .client import CapturedOutput, Worker, WorkerCrashed, WorkerError, WorkerTimeout
from .launcher import Limits, SandboxBroken, SandboxWarning, bwrap_works
from .submission import materialise

__all__ = ["CapturedOutput", "Limits", "SandboxBroken", "SandboxWarning", "Worker", "WorkerCrashed",
           "WorkerError", "WorkerTimeout", "bwrap_works", "materialise"]
