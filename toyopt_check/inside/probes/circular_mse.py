"""Probes of the `circular_mse` exercise: tensors built from the check's arrays."""

import math

import numpy as np
import torch

from ..replies import NUMBERS, SHAPE, Array, Reply, per_input
from ..runtime import describe
from . import float64_values

EXERCISE = "circular_mse"

_DTYPES = {"float32": torch.float32, "float64": torch.float64}


def _tensor(values, dtype, requires_grad=False):
    return torch.tensor(np.array(values, dtype=np.float64), dtype=_DTYPES[dtype], requires_grad=requires_grad)


def _kwargs(case):
    """Only the optional arguments the check asked to pass (others keep the default)."""
    return {key: case[key] for key in ("period", "reduction") if case.get(key) is not None}


def _report(result):
    """What came back, as plain data: type, dtype, shape, device and values."""
    if isinstance(result, torch.Tensor):
        return {"type": type(result).__name__, "is_tensor": True, "dtype": str(result.dtype).replace("torch.", ""),
                "shape": [int(s) for s in result.shape], "device": str(result.device),
                "requires_grad": bool(result.requires_grad), "value": float64_values(result)}
    out = {"type": type(result).__name__, "is_tensor": False, "dtype": "", "shape": None, "device": "",
           "requires_grad": False, "value": None}
    try:
        out["value"] = np.array(result, dtype=np.float64)
        out["shape"] = [int(s) for s in out["value"].shape]
    except (TypeError, ValueError):
        pass
    return out


def evaluate(ctx, cases):
    """Call ``circular_mse`` on each case: ``prediction``, ``target`` (arrays), ``dtype`` (of
    the prediction), optional ``target_dtype``, ``period``, ``reduction``, ``device``."""
    torch.manual_seed(0)
    results = []
    with torch.no_grad():
        for case in cases:
            device = case.get("device") or "cpu"
            pred = _tensor(case["prediction"], case["dtype"]).to(device)
            target = _tensor(case["target"], case.get("target_dtype") or case["dtype"]).to(device)
            results.append(_report(ctx.call(EXERCISE, pred, target, **_kwargs(case))))
    return {"results": results}


def gradients(ctx, cases):
    """Autograd gradients (float64) w.r.t. prediction and target, and the values at the
    case's ``probes``, ``[prediction, target]`` pairs (the trusted side takes finite
    differences). A case: ``prediction``, ``target``, ``period``, ``reduction``, ``probes``."""
    torch.manual_seed(0)
    results = []
    for case in cases:
        pred = _tensor(case["prediction"], "float64", requires_grad=True)
        target = _tensor(case["target"], "float64", requires_grad=True)
        kwargs = _kwargs(case)
        out = ctx.call(EXERCISE, pred, target, **kwargs)
        entry = {**_report(out), "backward_error": "", "grad_prediction": None, "grad_target": None}
        if isinstance(out, torch.Tensor) and out.requires_grad:
            try:
                out.sum().backward()
            except RuntimeError as exc:
                entry["backward_error"] = describe(exc)
            entry["grad_prediction"] = float64_values(pred.grad)
            entry["grad_target"] = float64_values(target.grad)
        elif isinstance(out, torch.Tensor):
            entry["backward_error"] = "the result does not require grad (no autograd graph)"
        else:
            entry["backward_error"] = f"the result is a {type(out).__name__}, not a tensor"
        values = []
        with torch.no_grad():
            for p, t in case.get("probes", []):
                res = ctx.call(EXERCISE, _tensor(p, "float64"), _tensor(t, "float64"), **kwargs)
                values.append(_report(res)["value"])
        entry["probe_values"] = values
        results.append(entry)
    return {"results": results}


def errors(ctx, cases):
    """Call with bad arguments; report which exception (if any) came out. A case:
    ``prediction``, ``target``, ``dtype``, optional ``period`` (any JSON value), ``reduction``."""
    func = ctx.load(EXERCISE)
    results = []
    for case in cases:
        pred = _tensor(case["prediction"], case.get("dtype", "float64"))
        target = _tensor(case["target"], case.get("dtype", "float64"))
        kwargs = {key: case[key] for key in ("period", "reduction") if key in case}
        if isinstance(kwargs.get("period"), np.ndarray):  # a non-finite number (JSON has no inf)
            kwargs["period"] = float(kwargs["period"])
        entry = {"raised": "", "value_error": False, "type_error": False, "message": ""}
        try:
            with torch.no_grad():
                out = func(pred, target, **kwargs)
            entry["returned"] = _report(out)["type"]
        except NotImplementedError:
            raise ctx.not_implemented(EXERCISE) from None
        except Exception as exc:
            entry["raised"] = type(exc).__name__
            entry["value_error"] = isinstance(exc, ValueError)
            entry["type_error"] = isinstance(exc, TypeError)
            entry["message"] = str(exc)[:200]
        results.append(entry)
    return {"results": results}


def train_angles(ctx, x, target, steps, lr, period=None, seed=0):
    """Fit ``angle = w * x + b`` to `target` angles by full-batch SGD on the student's
    ``circular_mse`` (float64, from w = b = 0): the final ``w``, ``b`` and every step's loss."""
    torch.manual_seed(seed)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        xs = _tensor(x, "float64")
        ts = _tensor(target, "float64")
        w = torch.zeros((), dtype=torch.float64, requires_grad=True)
        b = torch.zeros((), dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD([w, b], lr=float(lr))
        kwargs = {} if period is None else {"period": period}
        losses = []

        def failed(why):
            return {"ok": False, "why": why, "w": math.nan, "b": math.nan, "losses": np.array(losses, dtype=np.float64)}

        for _ in range(int(steps)):
            loss = ctx.call(EXERCISE, w * xs + b, ts, **kwargs)
            if not isinstance(loss, torch.Tensor) or not loss.requires_grad:
                return failed(f"the loss is a {type(loss).__name__} without an autograd graph")
            opt.zero_grad()
            try:
                loss.backward()
            except RuntimeError as exc:
                return failed("backward() failed: " + describe(exc)[:200])
            opt.step()
            losses.append(float(loss.detach()))
    finally:
        torch.set_num_threads(threads)
    return {"ok": True, "why": "", "w": float(w.detach()), "b": float(b.detach()), "losses": np.array(losses)}


PROBES = {"circular_mse.evaluate": evaluate, "circular_mse.gradients": gradients,
          "circular_mse.errors": errors, "circular_mse.train_angles": train_angles}

TENSOR_REPORT = {"type": str, "is_tensor": bool, "dtype": str, "shape": SHAPE, "device": str,
                 "requires_grad": bool, "value": (NUMBERS, None)}
REPLIES = {
    "circular_mse.evaluate": Reply({"results": [TENSOR_REPORT]}, per_input(4)),
    "circular_mse.gradients": Reply({"results": [{**TENSOR_REPORT, "backward_error": str,
                                                  "grad_prediction": (NUMBERS, None), "grad_target": (NUMBERS, None),
                                                  "probe_values": [(NUMBERS, None)]}]}, per_input(4)),
    "circular_mse.errors": Reply({"results": [{"raised": str, "value_error": bool, "type_error": bool,
                                               "message": str, "returned": str}]}),
    "circular_mse.train_angles": Reply({"ok": bool, "why": str, "w": float, "b": float,
                                        "losses": Array("f", (1, 1))}, per_input(1, "steps", 2)),
}
