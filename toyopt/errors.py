"""Typed errors. A *configuration* error is the caller's (bad option, missing
file); a *submission* error is the student's code misbehaving.

The classes are defined in the student runtime (``toyopt_check.inside.errors``)
so that the sandbox side and the student kit raise the same types."""

from toyopt_check.inside.errors import ConfigurationError, GraderError, SubmissionError, ToyoptError  # noqa: F401  (re-exported: one set of types for both sides)
