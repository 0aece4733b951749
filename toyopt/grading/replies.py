"""What each probe may send back: the trusted side's schema of every reply, and one validator.

The wire protocol (:mod:`toyopt_check.inside.protocol`) bounds a frame by its
structure before decoding it (bytes, number of values, depth, strings, arrays).
This module bounds it by its *meaning*: `check_reply` compares the result of
probe ``name`` called with ``kwargs`` with ``REPLIES[name]``, so that the
checks and the figures only ever see the keys, types and sizes they were
written for.  A reply that does not fit raises `ReplyRejected` (a failed
probe, never a grader crash: `SandboxTarget` turns it into the exercise's
`StudentCodeError`).

A schema is plain data:

* ``int``, ``float`` (an int is accepted too), ``str``, ``bool``, ``None``;
* ``Array(kinds, ndim)``: a NumPy array of those dtype kinds and dimensions;
* ``[item]``: a list of items; ``(a, b, ...)``: any one of the alternatives;
* ``{key: schema, ...}``: a dict whose keys are among these (each optional);
  ``{str: schema}``: a dict of any string keys.

`Reply` adds the array budget: the most array *elements*, all arrays of the
reply together, as a function of the probe's arguments (a student's
``spiral_2d(400)`` may return points of a wrong shape, for the checks to
report, but not a million of them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from toyopt_check.inside.errors import SubmissionError

#: Array elements any reply may hold beyond what its budget allows for its arguments.
BASE_ELEMENTS = 4096
#: Bytes of the PNG a figure summary may carry (the figures drawn are a few hundred
#: pixels a side: tens of kB; 4 MB is far beyond any honest one, and under the frame cap)
PNG_BYTES = 4_000_000


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
    """The schema of a probe's result and its array budget ``elements(kwargs)``."""

    schema: object
    elements: Callable[[dict], int]


def _int(kwargs: dict, key: str) -> int:
    value = kwargs.get(key)
    return max(int(value), 0) if isinstance(value, int) and not isinstance(value, bool) else 0


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


# ----------------------------------------------------------------------------- schemas
OPT_STR = (str, None)
SHAPE = ([int], None)
NUMBERS = Array("biuf", (0, 3))


def _array_report(prefix: str) -> dict:
    return {f"{prefix}_type": str, f"{prefix}_is_ndarray": bool, f"{prefix}_dtype": OPT_STR,
            f"{prefix}_shape": SHAPE, prefix: (NUMBERS, None)}


SPIRAL_CALL = {"returned_type": str, "length": (int, None),
               **_array_report("points"), **_array_report("labels")}
SPIRAL_RAISES = {"raised": ([str], None), "message": str, "returned_type": str}
SPIRAL_SOURCE = {"file": str, "first_line": int, "function": str, "text": str}
TRAINING_DATA = {"points": NUMBERS, "labels": NUMBERS}

BOX = ([float], None)
AXES = {"title": str, "title_left": str, "title_right": str, "aspect": (str, float),
        "has_legend": bool, "legend_visible": bool, "legend_texts": [str],
        "legend_colours": [[float]], "legend_box": BOX, "title_box": BOX, "box": BOX,
        "position": [float], "xlim": [float], "ylim": [float], "scales": [str],
        "marker_points": (float, None),
        "points": Array("f", (2, 2)), "facecolors": Array("f", (2, 2)),
        "edgecolors": Array("f", (2, 2))}
PLOT_SUMMARY = {"returned_type": str, "is_figure": bool, "suptitle": str, "suptitle_box": BOX,
                "axes": [AXES], "pyplot_figures_opened": int, "dpi": (float, None),
                "png": (Blob(PNG_BYTES), None), "render_error": (str, None)}
PLOT_EMPTY = {"raised": ([str], None), "message": str, "returned_type": str}

TENSOR_REPORT = {"type": str, "is_tensor": bool, "dtype": str, "shape": SHAPE, "device": str,
                 "requires_grad": bool, "value": (NUMBERS, None)}
CMSE_EVALUATE = {"results": [TENSOR_REPORT]}
CMSE_GRADIENTS = {"results": [{**TENSOR_REPORT, "backward_error": str,
                               "grad_prediction": (NUMBERS, None),
                               "grad_target": (NUMBERS, None),
                               "probe_values": [(NUMBERS, None)],
                               "gradcheck": bool, "gradcheck_error": str}]}
CMSE_ERRORS = {"results": [{"raised": str, "value_error": bool, "type_error": bool,
                            "message": str, "returned": str}]}
CMSE_TRAIN = {"ok": bool, "why": str, "w": float, "b": float, "losses": Array("f", (1, 1))}

PARAMS = {str: (NUMBERS, None)}
FORWARD = {"grad_enabled": bool, "training": bool, "input_dtype": str, "input_device": str,
           "input_shape": SHAPE, "output_requires_grad": bool}
EPOCH_RUN = {"results": [{"returned_type": str, "returned_len": int, "acc": (float, None),
                          "acc_type": str, "acc_is_python_float": bool, "loss": (float, None), "loss_type": str,
                          "loss_requires_grad": bool, "loss_is_python_float": bool,
                          "labels": (NUMBERS, None), "labels_type": str, "labels_dtype": str,
                          "labels_shape": SHAPE, "params": PARAMS, "grads": PARAMS,
                          "forwards": [FORWARD]}]}
EPOCH_TRAIN = {"train_acc": Array("f", (1, 1)), "train_loss": Array("f", (1, 1)),
               "weights": Array("f", (2, 2))}


def _per_point(key: str, factor: int) -> Callable[[dict], int]:
    return lambda kwargs: factor * _int(kwargs, key) + BASE_ELEMENTS


def _per_input(factor: int, count_key: str | None = None, per_count: int = 0):
    def budget(kwargs: dict) -> int:
        extra = per_count * _int(kwargs, count_key) if count_key else 0
        return factor * input_elements(kwargs) + extra + BASE_ELEMENTS
    return budget


#: probe name -> what it may return.  A probe missing here gets only the
#: protocol's structural bounds and `BASE_ELEMENTS` (a test holds every
#: registered probe to have an entry).
REPLIES: dict[str, Reply] = {
    # (n, 2) points and n labels: 3 n; 8 n leaves room for wrong shapes to report
    "spiral_2d.call": Reply(SPIRAL_CALL, _per_point("num_points", 8)),
    "spiral_2d.yardstick": Reply(SPIRAL_CALL, _per_point("num_points", 8)),
    "spiral_2d.training_data": Reply(TRAINING_DATA, _per_point("num_points", 8)),
    "spiral_2d.raises": Reply(SPIRAL_RAISES, lambda kwargs: 0),
    "spiral_2d.source": Reply(SPIRAL_SOURCE, lambda kwargs: 0),
    # per point drawn: xy + two RGBA = 10 numbers, from 3 sent; a point drawn twice fits;
    # plus the rendering: a PNG of at most PNG_BYTES, bounded apart (a `Blob`)
    "plot_datasets.summary": Reply(PLOT_SUMMARY, _per_input(8)),
    "plot_datasets.empty": Reply(PLOT_EMPTY, lambda kwargs: 0),
    "circular_mse.evaluate": Reply(CMSE_EVALUATE, _per_input(4)),
    "circular_mse.gradients": Reply(CMSE_GRADIENTS, _per_input(4)),
    "circular_mse.errors": Reply(CMSE_ERRORS, lambda kwargs: 0),
    "circular_mse.train_angles": Reply(CMSE_TRAIN, _per_input(1, "steps", 2)),
    # per call: labels, parameters and gradients; per epoch: 21 weights + 2 numbers
    "epoch_loop.run": Reply(EPOCH_RUN, _per_input(4)),
    "epoch_loop.train": Reply(EPOCH_TRAIN, _per_input(1, "epochs", 2 * 23)),
}
DEFAULT = Reply(object, lambda kwargs: 0)


# ----------------------------------------------------------------------------- validator
def check_reply(name: str, kwargs: dict, result) -> dict:
    """`result` if it fits ``REPLIES[name]`` for these `kwargs`, else `ReplyRejected`."""
    reply = REPLIES.get(name, DEFAULT)
    elements = [0]
    _check(reply.schema, result, "result", elements)
    budget = reply.elements(kwargs)
    if elements[0] > budget:
        raise ReplyRejected(f"{name} sent back arrays of {elements[0]:,} numbers in all; "
                            f"for these arguments it may send at most {budget:,}")
    return result


def _check(schema, value, where: str, elements: list) -> None:
    if schema is object:  # anything the protocol let through
        elements[0] += _arrays_size(value)
        return
    if isinstance(schema, tuple):
        errors = []
        for option in schema:
            trial = [0]
            try:
                _check(option, value, where, trial)
            except ReplyRejected as exc:
                errors.append(str(exc))
                continue
            elements[0] += trial[0]
            return
        raise ReplyRejected(errors[0] if len(errors) == 1 else
                            f"{where} is {_describe(value)}, which fits none of its forms")
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
        elements[0] += int(value.size)
    elif isinstance(schema, list):
        if not isinstance(value, list):
            raise ReplyRejected(f"{where} should be a list, not {_describe(value)}")
        for index, item in enumerate(value):
            _check(schema[0], item, f"{where}[{index}]", elements)
    elif isinstance(schema, dict):
        if not isinstance(value, dict):
            raise ReplyRejected(f"{where} should be a dict, not {_describe(value)}")
        free = schema.get(str)
        for key, item in value.items():
            if key in schema:
                _check(schema[key], item, f"{where}[{key!r}]", elements)
            elif free is not None:
                _check(free, item, f"{where}[{key[:40]!r}]", elements)
            else:
                raise ReplyRejected(f"{where} has an unexpected key {key[:40]!r}")
    elif schema is float:
        if type(value) not in (float, int):
            raise ReplyRejected(f"{where} should be a number, not {_describe(value)}")
    elif schema in (int, str, bool):
        if type(value) is not schema:
            raise ReplyRejected(f"{where} should be a {schema.__name__}, not {_describe(value)}")
    else:  # a schema written wrong here is our bug, not the student's
        raise TypeError(f"invalid schema {schema!r} at {where}")


def _arrays_size(value) -> int:
    stack, count = [value], 0
    while stack:
        item = stack.pop()
        if isinstance(item, np.ndarray):
            count += int(item.size)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def _describe(value) -> str:
    if isinstance(value, np.ndarray):
        return f"a {value.dtype} array of shape {value.shape}"
    if isinstance(value, (list, dict, str)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"a {type(value).__name__}"
