"""Probes of the `epoch_loop` exercise (self-contained: relative imports only).

The probes build their own copy of the tutorial's 2-5-1 network (same
parameter names as ``Simple2DNetwork``: ``linear1``, ``linear2``) from
weights sent by the check, so that nothing of the submission but
``epoch_loop`` is used, and report plain data: what ``epoch_loop`` returned,
the parameters and ``.grad`` after each call, and how the forward pass ran.

Also here: ``spiral_2d.training_data``, the student's spiral data for the
"learnable by a bigger network" convergence check (a probe of exercise
``spiral_2d`` that lives with the other convergence probes).
"""

import numpy as np
import torch
from torch import nn

from ..runtime import StudentCodeError

EXERCISE = "epoch_loop"

#: Parameter names in a fixed order (also the order of flattened weights).
PARAM_NAMES = ("linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias")
PARAM_SHAPES = {"linear1.weight": (5, 2), "linear1.bias": (5,), "linear2.weight": (1, 5), "linear2.bias": (1,)}

CRITERIA = {
    "L1": nn.L1Loss,
    "MSE": nn.MSELoss,
    "SmoothL1": nn.SmoothL1Loss,
    "BCEWithLogits": nn.BCEWithLogitsLoss,
}


class ProbeNetwork(nn.Module):
    """``Linear(2, 5) -> ReLU -> Linear(5, 1)`` that records each forward pass."""

    def __init__(self, record=True):
        super().__init__()
        self.linear1 = nn.Linear(2, 5)
        self.relu = nn.ReLU()
        self.linear2 = nn.Linear(5, 1)
        self.record = record
        self.records = []

    def forward(self, x):
        entry = None
        if self.record:
            entry = {"grad_enabled": bool(torch.is_grad_enabled()), "training": bool(self.training),
                     "input_dtype": str(x.dtype).replace("torch.", ""), "input_device": str(x.device),
                     "input_shape": [int(s) for s in x.shape]}
            self.records.append(entry)
        out = self.linear2(self.relu(self.linear1(x)))
        if entry is not None:
            entry["output_requires_grad"] = bool(out.requires_grad)
        return out


def build_network(weights, device="cpu", record=True):
    net = ProbeNetwork(record=record)
    with torch.no_grad():
        for name, param in net.named_parameters():
            value = np.array(weights[name], dtype=np.float32, copy=True).reshape(PARAM_SHAPES[name])
            param.copy_(torch.from_numpy(value))
    return net.to(device)


def _array(tensor):
    return np.array(tensor.detach().to("cpu").numpy(), dtype=np.float64, copy=True)


def params_of(net):
    return {name: _array(p) for name, p in net.named_parameters()}


def grads_of(net):
    return {name: (None if p.grad is None else _array(p.grad)) for name, p in net.named_parameters()}


def _number(x):
    """(value as float or None, Python type name, requires_grad)."""
    requires_grad = bool(getattr(x, "requires_grad", False))
    try:
        if isinstance(x, torch.Tensor):
            if x.numel() != 1:
                return None, type(x).__name__, requires_grad
            return float(x.detach().to("cpu").reshape(-1)[0]), type(x).__name__, requires_grad
        if isinstance(x, (bool, np.bool_)):
            return None, type(x).__name__, False
        return float(x), type(x).__name__, False
    except (TypeError, ValueError, OverflowError):
        return None, type(x).__name__, requires_grad


def report_returned(out):
    """What one ``epoch_loop`` call returned, as plain data."""
    rep = {"returned_type": type(out).__name__, "returned_len": -1,
           "acc": None, "acc_type": "", "loss": None, "loss_type": "", "loss_requires_grad": False,
           "loss_is_python_float": False, "labels": None, "labels_type": "", "labels_dtype": "",
           "labels_shape": None}
    if not isinstance(out, (tuple, list)):
        return rep
    rep["returned_len"] = len(out)
    if len(out) != 3:
        return rep
    acc, loss, labels = out
    rep["acc"], rep["acc_type"], _ = _number(acc)
    rep["loss"], rep["loss_type"], rep["loss_requires_grad"] = _number(loss)
    rep["loss_is_python_float"] = isinstance(loss, float)
    rep["labels_type"] = type(labels).__name__
    if isinstance(labels, torch.Tensor):
        labels = labels.detach().to("cpu").numpy()
    try:
        arr = np.asarray(labels)
        rep["labels_dtype"] = str(arr.dtype)
        rep["labels_shape"] = [int(s) for s in arr.shape]
        if arr.dtype.kind in "biuf":
            rep["labels"] = np.array(arr, dtype=np.float64, copy=True)
    except (TypeError, ValueError):
        pass
    return rep


def _db(call):
    points = np.array(call["points"], dtype=np.float64, copy=True).reshape(-1, 2)
    labels = np.array(call["labels"], dtype=np.int64, copy=True).reshape(-1)
    return points, labels


def run(ctx, weights, calls, criterion="MSE", lr=0.1, stale_grad=None, device="cpu",
        pass_device=False):
    """Call ``epoch_loop`` once per entry of `calls` on one network and one
    ``torch.optim.SGD(lr)``; an entry is ``{"points", "labels", "train"}``
    (``train`` False passes ``optimiser=None``).

    `stale_grad`: ``{name: array}`` written into each ``.grad`` before the first
    call (a leftover an earlier batch could have left). `pass_device`: give
    ``device=`` explicitly (else the default, the model's device).
    """
    torch.manual_seed(0)
    np.random.seed(0)
    net = build_network(weights, device)
    loss_fn = CRITERIA[criterion]()
    opt = None  # made at the first training call: the first SGD costs seconds (torch._dynamo)
    if stale_grad is not None:
        for name, param in net.named_parameters():
            value = np.array(stale_grad[name], dtype=np.float32).reshape(PARAM_SHAPES[name])
            param.grad = torch.from_numpy(value).to(device)
    results = []
    for call in calls:
        net.records = []
        kwargs = {"device": device} if pass_device else {}
        if call["train"] and opt is None:
            opt = torch.optim.SGD(net.parameters(), lr=float(lr))
        out = ctx.call(EXERCISE, net, _db(call), loss_fn, opt if call["train"] else None, **kwargs)
        rep = report_returned(out)
        rep["params"] = params_of(net)
        rep["grads"] = grads_of(net)
        rep["forwards"] = list(net.records)
        results.append(rep)
    return {"results": results}


def train(ctx, weights, points, labels, criterion="L1", lr=0.1, epochs=100):
    """Train on (points, labels) with the student's ``epoch_loop`` for
    `epochs` full-batch steps; return the reported curves and the weights
    after every epoch, flattened in `PARAM_NAMES` order: ``(epochs, 21)``."""
    torch.manual_seed(0)
    np.random.seed(0)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        net = build_network(weights, "cpu", record=False)
        loss_fn = CRITERIA[criterion]()
        opt = torch.optim.SGD(net.parameters(), lr=float(lr))
        db = _db({"points": points, "labels": labels})
        params = [dict(net.named_parameters())[name] for name in PARAM_NAMES]
        acc = np.full(int(epochs), np.nan)
        loss = np.full(int(epochs), np.nan)
        history = np.zeros((int(epochs), 21), dtype=np.float32)
        for epoch in range(int(epochs)):
            out = ctx.call(EXERCISE, net, db, loss_fn, opt)
            rep = report_returned(out)
            acc[epoch] = np.nan if rep["acc"] is None else rep["acc"]
            loss[epoch] = np.nan if rep["loss"] is None else rep["loss"]
            with torch.no_grad():
                history[epoch] = torch.cat([p.detach().reshape(-1) for p in params]).numpy()
    finally:
        torch.set_num_threads(threads)
    return {"train_acc": acc, "train_loss": loss, "weights": np.array(history, copy=True)}


def spiral_training_data(ctx, num_points, seed):
    """The student's ``spiral_2d(num_points)`` after ``np.random.seed(seed)``."""
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
    "epoch_loop.run": run,
    "epoch_loop.train": train,
    "spiral_2d.training_data": spiral_training_data,
}
