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
    except Exception:  # noqa: BLE001  (whatever it is, the check reports its type)
        return report
    report[f"{prefix}_dtype"] = str(arr.dtype)
    report[f"{prefix}_shape"] = [int(s) for s in arr.shape]
    if arr.dtype.kind in "biuf":
        report[prefix] = arr
    return report


def call(ctx, num_points, seed):
    """``np.random.seed(seed); spiral_2d(num_points)``, summarised."""
    np.random.seed(seed)
    out = ctx.call(EXERCISE, num_points)
    report = {"returned_type": _type_name(out), "length": None}
    if isinstance(out, (tuple, list)):
        report["length"] = len(out)
    if isinstance(out, (tuple, list)) and len(out) == 2:
        report.update(_array_report("points", out[0]))
        report.update(_array_report("labels", out[1]))
    return report


def raises(ctx, num_points):
    """Call ``spiral_2d(num_points)`` on an input it should reject and report
    the exception's class hierarchy (names), or that it returned."""
    func = ctx.load(EXERCISE)
    np.random.seed(0)
    try:
        out = func(num_points)
    except NotImplementedError as exc:
        raise StudentCodeError(EXERCISE, "not_implemented", str(exc) or "NotImplementedError") from None
    except Exception as exc:  # noqa: BLE001  (the check judges the type)
        return {"raised": [k.__name__ for k in type(exc).__mro__],
                "message": describe(exc, getattr(ctx, "roots", ()))}
    return {"raised": None, "message": "", "returned_type": _type_name(out)}


def _traced(func, arg):
    """Run ``func(arg)`` under `sys.settrace`; return ``(calls, lines, per_line)``.

    Counts every Python function call (frames, generator resumptions,
    comprehensions, lambdas called from C such as by `np.vectorize`) and
    every line event, in any file. A vectorised call executes the same
    Python code whatever its size; a loop over the points runs lines per point.
    """
    per_line = {}
    calls = [0]

    def local(frame, event, _arg):
        if event == "line":
            key = (frame.f_code.co_filename, frame.f_lineno)
            per_line[key] = per_line.get(key, 0) + 1
        return local

    def on_call(frame, event, _arg):
        calls[0] += 1
        return local

    old = sys.gettrace()
    sys.settrace(on_call)
    try:
        func(arg)
    finally:
        sys.settrace(old)
    return calls[0], sum(per_line.values()), per_line


def work_counts(ctx, sizes, seed):
    """Python calls and line events executed by ``spiral_2d(n)`` for each n
    in `sizes` (after one untraced warm-up call per size, so that first-call
    effects such as lazy imports are not counted)."""
    func = ctx.load(EXERCISE)
    for n in sizes:  # warm-up, untraced, through ctx.call so failures translate
        np.random.seed(seed)
        ctx.call(EXERCISE, n)
    calls, lines, top = [], [], []
    for n in sizes:
        np.random.seed(seed)
        try:
            c, l, per_line = _traced(func, n)
        except NotImplementedError as exc:
            raise StudentCodeError(EXERCISE, "not_implemented", str(exc) or "NotImplementedError") from None
        except Exception as exc:  # noqa: BLE001
            raise StudentCodeError(EXERCISE, "exception", describe(exc, getattr(ctx, "roots", ()))) from None
        calls.append(c)
        lines.append(l)
        busiest = sorted(per_line.items(), key=lambda kv: -kv[1])[:5]
        top.append([[str(path).rsplit("/", 1)[-1], int(line), int(count)] for (path, line), count in busiest])
    return {"sizes": [int(n) for n in sizes], "calls": calls, "lines": lines, "busiest_lines": top}


PROBES = {
    "spiral_2d.call": call,
    "spiral_2d.raises": raises,
    "spiral_2d.work_counts": work_counts,
}
