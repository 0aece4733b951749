"""Probes of the `spiral_2d` exercise (self-contained: relative imports only).

Each probe seeds NumPy's global generator itself, calls the student's
``spiral_2d`` on inputs chosen by the check and reports what came back as
plain data. Nothing here decides pass or fail.
"""

import sys

import numpy as np

from ..runtime import StudentCodeError, describe

EXERCISE = "spiral_2d"


def _type_name(value):
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}" if kind.__module__ != "builtins" else kind.__qualname__


def _array_report(prefix, value):
    """``{prefix}_type``, ``_is_ndarray``, ``_dtype``, ``_shape`` and a plain
    copy ``prefix`` (None when it is not a numeric array)."""
    report = {f"{prefix}_type": _type_name(value), f"{prefix}_is_ndarray": isinstance(value, np.ndarray),
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


def call(ctx, num_points, seed, numpy_int=False, rows=None):
    """``np.random.seed(seed); spiral_2d(num_points)``, summarised; with
    `numpy_int` the count is passed as ``np.int64(num_points)``. With `rows`
    (indices) only those rows of the arrays are sent back (the shapes
    reported stay those of the whole arrays), so that a timed call does not
    spend its time on the transfer, and a solution that uses torch runs it on one
    thread, as the NumPy yardstick the check times it against does: torch's
    thread pool on a machine whose cores are busy made a vectorised torch
    spiral 40-60 times slower than on one thread."""
    np.random.seed(seed)
    torch = sys.modules.get("torch") if rows is not None else None  # never imported here
    threads = torch.get_num_threads() if torch is not None else None
    if threads is not None:
        torch.set_num_threads(1)
    try:
        out = ctx.call(EXERCISE, np.int64(num_points) if numpy_int else num_points)
    finally:
        if threads is not None:
            torch.set_num_threads(threads)
    return _report(out, rows)


def yardstick(ctx, num_points, seed, rows=None):
    """The NumPy yardstick of the timing, run here and reported as `call`
    reports a spiral: ``(points, labels)`` of the size a spiral of
    `num_points` has, from a few whole-array passes. Timed around the round
    trip by the check, it costs what this process's scheduling, copying and
    transfer add to any call of that size: the like-for-like measure of a
    sandboxed call (trusted code; student code in this process could slow it
    down, a forgery the threat model names)."""
    half = int(num_points) // 2
    labels = np.repeat(np.array([0, 1], dtype=np.int64), half)
    return _report((yardstick_points(2 * half, seed), labels), rows)


def yardstick_points(n, seed=0):
    """The yardstick's NumPy work for `n` points: a few elementwise passes over
    ``(n, 2)`` arrays (the check also times it in the trusted process)."""
    x = np.random.RandomState(seed).uniform(-1.0, 1.0, (n, 2))
    y = np.exp(x) * np.tanh(x[:, ::-1])
    return np.concatenate([y[: n // 2], x[n // 2:]]) + np.sqrt(np.abs(y))


def _report(out, rows):
    report = {"returned_type": _type_name(out), "length": None}
    if isinstance(out, (tuple, list)):
        report["length"] = len(out)
    if isinstance(out, (tuple, list)) and len(out) == 2:
        report.update(_array_report("points", out[0]))
        report.update(_array_report("labels", out[1]))
        if rows is not None:
            index = np.asarray(rows, dtype=np.int64)
            for name in ("points", "labels"):
                arr = report[name]
                ok = arr is not None and arr.ndim >= 1 and len(index) and index.max() < len(arr)
                report[name] = arr[index] if ok else None
    return report


def raises(ctx, num_points):
    """Call ``spiral_2d(num_points)`` on an input it should reject and report
    the exception's class hierarchy (names), or that it returned."""
    func = ctx.load(EXERCISE)
    np.random.seed(0)
    try:
        out = func(num_points)
    except NotImplementedError:
        raise ctx.not_implemented(EXERCISE) from None
    except Exception as exc:
        return {"raised": [k.__name__ for k in type(exc).__mro__],
                "message": describe(exc, getattr(ctx, "roots", ()))}
    return {"raised": None, "message": "", "returned_type": _type_name(out)}


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
        points = np.array(np.asarray(points, dtype=np.float64), dtype=np.float64, copy=True)
        labels = np.array(np.asarray(labels, dtype=np.float64), dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise StudentCodeError("spiral_2d", "exception",
                               f"spiral_2d({num_points}) did not return (points, labels): {exc}") from None
    return {"points": points, "labels": labels}


PROBES = {
    "spiral_2d.call": call,
    "spiral_2d.yardstick": yardstick,
    "spiral_2d.raises": raises,
    "spiral_2d.source": source,
    "spiral_2d.training_data": spiral_training_data,
}
