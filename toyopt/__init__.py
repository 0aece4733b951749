"""toyopt: tooling around the reference solution (`toyopt_ref`).

The instructor's side, built on the student runtime `toyopt_check`. Subpackages
name the architecture (docs/architecture.md is the map): `commands` (one module
per verb), `checks` (hidden checks, calibration), `oracles` (expected values
from the live reference), `sandbox` (the trusted half of the boundary),
`grading` (verdicts, Gradescope JSON, CSV, feedback), `release` (stubs, kit,
wheel), `notebook` (the nbgrader source notebook), `nbgrader` (course scaffold,
sandboxed execute step), `engine` (lean and batched training), `sweep`
(batched studies); `probes` keeps old import paths.
"""

__version__ = "0.1.0"
