"""Probes of the `spiral_2d` exercise; each seeds NumPy's global generator itself."""

import sys

import numpy as np

from ..replies import NUMBERS, SHAPE, Reply, per_point
from ..runtime import StudentCodeError, type_name

EXERCISE = "spiral_2d"


def _array_report(prefix, value):
    """``{prefix}_type``, ``_is_ndarray``, ``_dtype``, ``_shape`` and a plain
    copy ``prefix`` (None when it is not a numeric array)."""
    report = {f"{prefix}_type": type_name(value), f"{prefix}_is_ndarray": isinstance(value, np.ndarray),
              f"{prefix}_dtype": None, f"{prefix}_shape": None, prefix: None}
    try:
        arr = np.array(value, copy=True, subok=False)
    except Exception:
        return report
    report[f"{prefix}_dtype"] = str(arr.dtype)
    report[f"{prefix}_shape"] = [int(s) for s in arr.shape]
    if arr.dtype.kind in "biuf":
        report[prefix] = arr
    return report


def call(ctx, num_points, seed, numpy_int=False, compact=False):
    """``np.random.seed(seed); spiral_2d(num_points)``, summarised, the whole
    arrays included; with `numpy_int` the count is passed as
    ``np.int64(num_points)``. With `compact` (the timed calls) the arrays
    travel as float32 points (rounding moves a point by < 1e-6, far below the
    check's tolerance) and int8 labels (clipped to [-1, 2], so a wrong label
    stays wrong), a quarter of the bytes: the wire's cost is part of the timing,
    and less of it keeps the timing about the computation. A solution that uses torch runs it on one
    thread, as the NumPy yardstick the timing compares it with does: torch's
    thread pool on a machine whose cores are busy made a vectorised torch
    spiral 40-60 times slower than on one thread."""
    np.random.seed(seed)
    torch = sys.modules.get("torch")  # never imported here
    threads = torch.get_num_threads() if torch is not None else None
    if threads is not None:
        torch.set_num_threads(1)
    try:
        out = ctx.call(EXERCISE, np.int64(num_points) if numpy_int else num_points)
    finally:
        if threads is not None:
            torch.set_num_threads(threads)
    return _report(out, compact)


def _report(out, compact=False):
    report = {"returned_type": type_name(out), "length": None}
    if isinstance(out, (tuple, list)):
        report["length"] = len(out)
    if isinstance(out, (tuple, list)) and len(out) == 2:
        report.update(_array_report("points", out[0]))
        report.update(_array_report("labels", out[1]))
        if compact:
            if report["points"] is not None and report["points"].dtype.kind == "f":
                report["points"] = report["points"].astype(np.float32)
            if report["labels"] is not None and report["labels"].dtype.kind in "biu":
                report["labels"] = np.clip(report["labels"], -1, 2).astype(np.int8)
    return report


def raises(ctx, num_points):
    """``spiral_2d(num_points)`` on an input it should reject (`Context.outcome`)."""
    ctx.load(EXERCISE)  # imported before the seed
    np.random.seed(0)
    return ctx.outcome(EXERCISE, num_points)


#: Largest source text sent back (characters); a longer file is cut there.
MAX_SOURCE_CHARS = 1_000_000


def source(ctx):
    """The text of the file defining the student's ``spiral_2d`` (the trusted
    side parses it itself), the function's name and its first line there.

    Falls back to the function's own source (``inspect.getsource``, e.g. for
    a notebook cell) when the file cannot be read; ``text`` is None when
    neither can.
    """
    import inspect
    import linecache

    func = inspect.unwrap(ctx.load(EXERCISE))
    code = getattr(func, "__code__", None)
    report = {"function": str(getattr(func, "__name__", EXERCISE)), "first_line": None,
              "file": None, "text": None}
    filename = getattr(code, "co_filename", None)
    lines = linecache.getlines(filename) if filename else []
    if not lines and filename:
        try:
            with open(filename, encoding="utf-8") as handle:
                lines = handle.readlines()
        except (OSError, UnicodeDecodeError):
            lines = []
    if lines:
        report.update(text="".join(lines), first_line=int(code.co_firstlineno),
                      file=str(filename).replace("\\", "/").rsplit("/", 1)[-1])
    else:
        try:
            report["text"] = inspect.getsource(func)
        except (OSError, TypeError):
            pass
    if report["text"] is not None:
        report["text"] = report["text"][:MAX_SOURCE_CHARS]
    return report


def spiral_training_data(ctx, num_points, seed):
    """The student's ``spiral_2d(num_points)`` after ``np.random.seed(seed)``, as data for
    the hidden "learnable by a bigger network" check."""
    import torch  # seeded too: the data must be the same on every grading

    np.random.seed(int(seed))
    torch.manual_seed(int(seed))
    out = ctx.call("spiral_2d", int(num_points))
    try:
        points, labels = out
        points, labels = np.array(points, dtype=np.float64), np.array(labels, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise StudentCodeError("spiral_2d", "exception",
                               f"spiral_2d({num_points}) did not return (points, labels): {exc}") from None
    return {"points": points, "labels": labels}


PROBES = {
    "spiral_2d.call": call,
    "spiral_2d.raises": raises,
    "spiral_2d.source": source,
    "spiral_2d.training_data": spiral_training_data,
}


def _array_reply(prefix):
    return {f"{prefix}_type": str, f"{prefix}_is_ndarray": bool, f"{prefix}_dtype": (str, None),
            f"{prefix}_shape": SHAPE, prefix: (NUMBERS, None)}


REPLIES = {
    # (n, 2) points and n labels: 3 n; 8 n leaves room for wrong shapes to report
    "spiral_2d.call": Reply({"returned_type": str, "length": (int, None),
                             **_array_reply("points"), **_array_reply("labels")}, per_point("num_points", 8)),
    "spiral_2d.training_data": Reply({"points": NUMBERS, "labels": NUMBERS}, per_point("num_points", 8)),
    "spiral_2d.raises": Reply({"raised": ([str], None), "message": str, "returned_type": str}),
    "spiral_2d.source": Reply({"file": str, "first_line": int, "function": str, "text": str}),
}
