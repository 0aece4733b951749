# Generated from toyopt_ref/errors.py by `toyopt release`.
# Your copy: complete the functions that raise NotImplementedError.
"""The one error type of the pipeline: bad input names what is wrong."""


class InvalidInputError(ValueError):
    """An argument has the wrong type, value or shape.

    A subclass of `ValueError`, so ``except ValueError`` also catches it.
    """


def check_count(name, value):
    """Return `value` as an int if it is a non-negative integer, else raise."""
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise InvalidInputError(
            f"{name} must be a non-negative integer, got {value!r} ({type(value).__name__})"
        )
    value = value.__index__()
    if value < 0:
        raise InvalidInputError(f"{name} must be a non-negative integer, got {value}")
    return value


def check_choice(name, value, choices):
    """Raise unless `value` is one of `choices` (compared with ==)."""
    if value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise InvalidInputError(f"unknown {name} {value!r}; choose one of {listed}")
    return value
