"""Probes of the `epoch_loop` exercise.

They run the student's ``epoch_loop`` on the grader's own 2-5-1 network (the parameter
names of ``Simple2DNetwork``), built from weights the check sent, and report what it
returned and the parameters and ``.grad`` after each call. Nothing is recorded on the
objects the student's code receives; the facts the checks need show in the values: in
training mode the network scales its hidden units by `TRAIN_SCALE`; where a scenario
asks, it adds `GRAPH_MARK` in eval mode while autograd records; updates, stale
gradients and the optimiser's state show in the parameters.

No switches: what the network does depends only on the state the contract asks the
student to set (``model.training``, whether autograd records) and on values held in
the closure of its forward pass, not in attributes or buffers of the model. (Code in
the same process can still replace the forward pass or this module's functions: it
then computes the outputs itself, and must get them right on scenarios drawn at grading.)
"""

import numpy as np
import torch
from torch import nn

from ..replies import NUMBERS, SHAPE, Array, Reply, per_input
from . import float64_values

EXERCISE = "epoch_loop"

#: Parameter names in a fixed order (also the order of flattened weights).
PARAM_NAMES = ("linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias")
PARAM_SHAPES = {"linear1.weight": (5, 2), "linear1.bias": (5,), "linear2.weight": (1, 5), "linear2.bias": (1,)}

#: Training-mode factors of the five hidden units (exact in float32).
TRAIN_SCALE = (1.5, 0.5, 1.25, 0.75, 1.0)
#: Added to the output in eval mode with autograd on (``reveal_graph``).
GRAPH_MARK = 0.25

CRITERIA = {"L1": nn.L1Loss, "MSE": nn.MSELoss, "SmoothL1": nn.SmoothL1Loss, "BCEWithLogits": nn.BCEWithLogitsLoss}
OPTIMISERS = {"SGD": torch.optim.SGD, "Adam": torch.optim.Adam}


def _describe(x):
    if isinstance(x, torch.Tensor):
        return f"a {str(x.dtype).replace('torch.', '')} tensor of shape {tuple(x.shape)}"
    return f"a {type(x).__name__}"


def build_network(weights, device="cpu", reveal_mode=True, reveal_graph=False):
    """``Linear(2, 5) -> ReLU -> [x TRAIN_SCALE in training mode] -> Linear(5, 1)``
    (``+ GRAPH_MARK`` in eval mode while autograd records, with `reveal_graph`), with
    `weights`; the choices live in the closure of its forward pass (no switches)."""
    scale = TRAIN_SCALE if reveal_mode else None
    mark = GRAPH_MARK if reveal_graph else None

    class ProbeNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear1 = nn.Linear(2, 5)
            self.relu = nn.ReLU()
            self.linear2 = nn.Linear(5, 1)

        def forward(self, x):
            if not isinstance(x, torch.Tensor) or x.dtype != torch.float32 or x.dim() != 2 or x.shape[1] != 2:
                raise TypeError(f"the model takes the points as a float32 tensor of shape (n, 2), got {_describe(x)}")
            hidden = self.relu(self.linear1(x))
            if scale is not None and self.training:
                hidden = hidden * torch.tensor(scale, dtype=hidden.dtype, device=hidden.device)
            out = self.linear2(hidden)
            if mark is not None and not self.training and hidden.requires_grad:
                out = out + mark
            return out

    net = ProbeNetwork()
    with torch.no_grad():
        for name, param in net.named_parameters():
            value = np.array(weights[name], dtype=np.float32, copy=True).reshape(PARAM_SHAPES[name])
            param.copy_(torch.from_numpy(value))
    return net.to(device)


class ProbeCriterion(nn.Module):
    """The tutorial's loss `name`; with `strict`, checks what it is given."""

    def __init__(self, name, strict=False):
        super().__init__()
        self.loss = CRITERIA[name]()
        self.strict = bool(strict)
        self.n = None

    def forward(self, prediction, target):
        if self.strict:
            n = self.n
            if not isinstance(prediction, torch.Tensor) or tuple(prediction.shape) != (n,):
                raise TypeError(f"the criterion takes the prediction flattened to shape ({n},), "
                                f"got {_describe(prediction)}")
            if not isinstance(target, torch.Tensor) or target.dtype != torch.float32 \
                    or tuple(target.shape) != (n,) or target.requires_grad:
                raise TypeError(f"the criterion takes the labels as its target, a float32 tensor of "
                                f"shape ({n},) without gradient, got {_describe(target)}"
                                f"{' that requires grad' if getattr(target, 'requires_grad', False) else ''}")
        return self.loss(prediction, target)


def build_optimiser(params, spec):
    """``{"name": "SGD" | "Adam", "lr": ..., other keyword arguments}``."""
    return OPTIMISERS[spec["name"]](params, **{k: float(v) for k, v in spec.items() if k != "name"})


def _number(x):
    """`x` as a float, or None (a bool, a tensor of more than one value, not a number)."""
    try:
        if isinstance(x, torch.Tensor):
            return float(x.detach().to("cpu").reshape(-1)[0]) if x.numel() == 1 else None
        return None if isinstance(x, (bool, np.bool_)) else float(x)
    except (TypeError, ValueError, OverflowError):
        return None


def report_returned(out):
    """What one ``epoch_loop`` call returned, as plain data."""
    rep = {"returned_type": type(out).__name__, "returned_len": -1, "acc": None, "acc_type": "",
           "acc_is_python_float": False, "loss": None, "loss_type": "", "loss_is_python_float": False,
           "labels": None, "labels_type": "", "labels_dtype": "", "labels_shape": None}
    if not isinstance(out, (tuple, list)):
        return rep
    rep["returned_len"] = len(out)
    if len(out) != 3:
        return rep
    acc, loss, labels = out
    rep.update(acc=_number(acc), acc_type=type(acc).__name__, acc_is_python_float=isinstance(acc, float),
               loss=_number(loss), loss_type=type(loss).__name__, loss_is_python_float=isinstance(loss, float),
               labels_type=type(labels).__name__)
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


def run(ctx, weights, calls, criterion="MSE", optimiser=None, stale_grad=None, device="cpu",
        pass_device=False, reveal_graph=False, strict=False):
    """Call ``epoch_loop`` once per entry of `calls` on one network and one optimiser
    (`build_optimiser`'s spec; default plain SGD, lr 0.1). A call is ``{"points", "labels",
    "train", "mode"}``: ``train`` False passes ``optimiser=None``; ``mode`` (optional) is
    set before the call. `stale_grad` (``{name: array}``) is written into each ``.grad``
    first, as an earlier batch could have left it."""
    ctx.load(EXERCISE)  # a stub or a missing function fails here, before any setup
    torch.manual_seed(0)
    np.random.seed(0)
    net = build_network(weights, device, reveal_graph=reveal_graph)
    loss_fn = ProbeCriterion(criterion, strict=strict)
    opt = build_optimiser(net.parameters(), optimiser or {"name": "SGD", "lr": 0.1})
    if stale_grad is not None:
        for name, param in net.named_parameters():
            value = np.array(stale_grad[name], dtype=np.float32).reshape(PARAM_SHAPES[name])
            param.grad = torch.from_numpy(value).to(device)
    results = []
    for call in calls:
        if call.get("mode"):
            net.train(call["mode"] == "train")
        db = _db(call)
        loss_fn.n = len(db[1])
        kwargs = {"device": device} if pass_device else {}
        out = ctx.call(EXERCISE, net, db, loss_fn, opt if call["train"] else None, **kwargs)
        rep = report_returned(out)
        rep["params"] = {name: float64_values(p) for name, p in net.named_parameters()}
        rep["grads"] = {name: float64_values(p.grad) for name, p in net.named_parameters()}
        results.append(rep)
    return {"results": results}


def train(ctx, weights, points, labels, criterion="L1", lr=0.1, epochs=100):
    """Train on (points, labels) with the student's ``epoch_loop`` for
    `epochs` full-batch steps; return the reported curves and the weights
    after every epoch, flattened in `PARAM_NAMES` order: ``(epochs, 21)``."""
    ctx.load(EXERCISE)  # a stub or a missing function fails here, before any setup
    torch.manual_seed(0)
    np.random.seed(0)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        net = build_network(weights, "cpu", reveal_mode=False)
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


PROBES = {"epoch_loop.run": run, "epoch_loop.train": train}

PARAMS = {str: (NUMBERS, None)}
REPLIES = {
    # per call: labels, parameters and gradients; per epoch: 21 weights + 2 numbers
    "epoch_loop.run": Reply({"results": [{"returned_type": str, "returned_len": int, "acc": (float, None),
                                          "acc_type": str, "acc_is_python_float": bool, "loss": (float, None),
                                          "loss_type": str, "loss_is_python_float": bool,
                                          "labels": (NUMBERS, None), "labels_type": str, "labels_dtype": str,
                                          "labels_shape": SHAPE, "params": PARAMS, "grads": PARAMS}]}, per_input(4)),
    "epoch_loop.train": Reply({"train_acc": Array("f", (1, 1)), "train_loss": Array("f", (1, 1)),
                               "weights": Array("f", (2, 2))}, per_input(1, "epochs", 2 * 23)),
}
