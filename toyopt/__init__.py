"""toyopt: tooling around the reference solution (`toyopt_ref`).

Subpackages name the architecture: `release` (stubs and notebook generated from
the reference), `checks` (property checks, written once), `sandbox` (the trust
boundary: the worker that runs student code), `grading` (verdicts, Gradescope
JSON, CSV, feedback), `nbgrader` (course scaffold), `sweep` (batched studies).
"""

__version__ = "0.1.0"
