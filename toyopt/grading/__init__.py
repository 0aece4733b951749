"""`toyopt grade`: sandboxed grading of untrusted submissions, one or many.

Layout (one job per module):

* ``target``   -- :class:`SandboxTarget`: the checks' ``Target`` over a sandboxed
  :class:`toyopt.sandbox.Worker`, with a per-exercise time budget.
* ``report``   -- :func:`grade_submission` -> :class:`GradeReport` (frozen data).
* ``bulk``     -- many submissions: parallel, resumable, CSV gradebook.
* ``feedback`` -- the student's ``feedback.html`` (a small template).
* ``figures``  -- pictures for the feedback, drawn in the trusted process.
* ``bundle``   -- the Gradescope autograder zip.

Trust: student code runs only in the worker; every verdict is computed here by
the checks (``toyopt.checks``) from plain data; nothing from the worker is
ever unpickled.
"""

from .report import GradeReport, grade_submission
from .target import SandboxTarget

__all__ = ["GradeReport", "SandboxTarget", "grade_submission"]
