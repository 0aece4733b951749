"""toyopt: the instructor's tooling around the reference solution (`toyopt_ref`), built on
the student runtime `toyopt_check`; docs/architecture.md maps its subpackages."""

__version__ = "0.1.0"
