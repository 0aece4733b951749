"""toyopt's typed errors (docs/architecture.md, "Errors"), kept where the sandbox side
and the student kit can import them; the instructor's tooling imports them from here."""


class ToyoptError(Exception):
    """Base class of every error toyopt raises on purpose."""


class ConfigurationError(ToyoptError, ValueError):
    """Bad input from the user of the library or CLI (names the bad value)."""


class SubmissionError(ToyoptError):
    """A submission cannot be loaded or misbehaved while being graded."""


class GraderError(ToyoptError, RuntimeError):
    """The grader itself is broken (a bug, a damaged install); staff see the details."""
