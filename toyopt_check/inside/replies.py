"""What a probe may send back: the vocabulary of reply schemas, and the one validator.

:mod:`.protocol` bounds a frame by its structure; `check_reply` bounds it by its
*meaning*, holding the result of probe ``name`` called with ``kwargs`` to that probe's
`Reply` (in ``REPLIES`` beside its ``PROBES``), so that the checks and the figures only
see the keys, types and sizes they were written for. A reply that does not fit raises
`ReplyRejected`: a failed probe, never a grader crash.

A schema is plain data: ``int``, ``float`` (an int fits too), ``str``, ``bool``,
``None``; ``Array(kinds, ndim)``, a NumPy array; `Blob`, bytes; ``[item]``, a list;
``(a, b, ...)``, any one of the alternatives; ``{key: schema, ...}``, a dict whose keys
are among these (each optional), or ``{str: schema}``, any string keys. `Reply` adds the
array budget: the most array elements, all arrays together, as a function of the
probe's arguments (a student's ``spiral_2d(400)`` may return points of a wrong shape,
for the checks to report, but not a million of them).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .errors import SubmissionError
from .probes import load_replies

#: Array elements any reply may hold beyond what its budget allows for its arguments.
BASE_ELEMENTS = 4096


class ReplyRejected(SubmissionError):
    """A probe's result does not fit what that probe may return."""


@dataclass(frozen=True)
class Array:
    """An ndarray with a dtype kind in `kinds` and ``ndim`` in ``ndim[0]..ndim[1]``."""

    kinds: str = "biuf"
    ndim: tuple[int, int] = (0, 3)


@dataclass(frozen=True)
class Blob:
    """Bytes as a 1-d uint8 array of at most `max_bytes` (a PNG): bounded on its own,
    not counted in the reply's element budget (which bounds the numbers)."""

    max_bytes: int


@dataclass(frozen=True)
class Reply:
    """The schema of a probe's result and its array budget ``elements(kwargs)`` (none by default)."""

    schema: object
    elements: Callable[[dict], int] = lambda kwargs: 0


NUMBERS = Array("biuf", (0, 3))
SHAPE = ([int], None)


def input_elements(value) -> int:
    """Numbers the trusted side sent: array elements plus numeric list items."""
    stack, count = [value], 0
    while stack:
        item = stack.pop()
        if isinstance(item, np.ndarray):
            count += int(item.size)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, (int, float)):
            count += 1
    return count


def per_input(factor: int, count_key: str | None = None, per_count: int = 0) -> Callable[[dict], int]:
    """A budget of `factor` numbers per number sent, plus `per_count` per unit of the int argument `count_key`."""
    def budget(kwargs: dict) -> int:
        count = kwargs.get(count_key)
        extra = per_count * max(count, 0) if type(count) is int else 0
        return factor * input_elements(kwargs) + extra + BASE_ELEMENTS
    return budget


def per_point(key: str, factor: int) -> Callable[[dict], int]:
    """A budget of `factor` numbers per unit of the argument `key`."""
    return per_input(0, key, factor)


_schemas = functools.cache(load_replies)  # the probe modules' dicts do not change


def check_reply(name: str, kwargs: dict, result) -> dict:
    """`result` if it fits probe `name`'s `Reply` for these `kwargs`, else `ReplyRejected`."""
    reply = _schemas()[name]
    elements = _check(reply.schema, result, "result")
    budget = reply.elements(kwargs)
    if elements > budget:
        raise ReplyRejected(f"{name} sent back arrays of {elements:,} numbers in all; "
                            f"for these arguments it may send at most {budget:,}")
    return result


def _check(schema, value, where: str) -> int:
    """The array elements `value` holds, if it fits `schema`; else `ReplyRejected`."""
    if isinstance(schema, tuple):  # alternatives: every schema writes two or more
        for option in schema:
            try:
                return _check(option, value, where)
            except ReplyRejected:
                pass
        raise ReplyRejected(f"{where} is {_describe(value)}, which fits none of its forms")
    if schema is None:
        if value is not None:
            raise ReplyRejected(f"{where} should be null, not {_describe(value)}")
    elif isinstance(schema, Blob):
        if not isinstance(value, np.ndarray) or value.dtype != np.uint8 or value.ndim != 1:
            raise ReplyRejected(f"{where} should be bytes (a 1-d uint8 array), not {_describe(value)}")
        if value.size > schema.max_bytes:
            raise ReplyRejected(f"{where} holds {value.size:,} bytes; at most {schema.max_bytes:,}")
    elif isinstance(schema, Array):
        if not isinstance(value, np.ndarray) or value.dtype.kind not in schema.kinds \
                or not schema.ndim[0] <= value.ndim <= schema.ndim[1]:
            raise ReplyRejected(f"{where} should be a {schema.ndim[0]}- to {schema.ndim[1]}-d "
                                f"array of kind {schema.kinds!r}, not {_describe(value)}")
        return int(value.size)
    elif isinstance(schema, list):
        if not isinstance(value, list):
            raise ReplyRejected(f"{where} should be a list, not {_describe(value)}")
        return sum(_check(schema[0], item, f"{where}[{index}]") for index, item in enumerate(value))
    elif isinstance(schema, dict):
        if not isinstance(value, dict):
            raise ReplyRejected(f"{where} should be a dict, not {_describe(value)}")
        free, elements = schema.get(str), 0
        for key, item in value.items():
            if key in schema:
                elements += _check(schema[key], item, f"{where}[{key!r}]")
            elif free is not None:
                elements += _check(free, item, f"{where}[{key[:40]!r}]")
            else:
                raise ReplyRejected(f"{where} has an unexpected key {key[:40]!r}")
        return elements
    elif schema is float:
        if type(value) not in (float, int):
            raise ReplyRejected(f"{where} should be a number, not {_describe(value)}")
    elif schema in (int, str, bool):
        if type(value) is not schema:
            raise ReplyRejected(f"{where} should be a {schema.__name__}, not {_describe(value)}")
    else:  # a schema written wrong is our bug, not the student's
        raise TypeError(f"invalid schema {schema!r} at {where}")
    return 0


def _describe(value) -> str:
    if isinstance(value, np.ndarray):
        return f"a {value.dtype} array of shape {value.shape}"
    if isinstance(value, (list, dict, str)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"a {type(value).__name__}"
