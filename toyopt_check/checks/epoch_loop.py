"""Checks of the `epoch_loop` exercise (registered with `core.check`).

The probe runs the student's ``epoch_loop`` on its own copy of the 2-5-1
network, built from weights chosen here; this module recomputes every call
with the reference network (``toyopt_ref.model.Simple2DNetwork``) and plain
torch arithmetic (forward, ``torch.autograd.grad``, ``p - lr * grad``), not
with the reference ``epoch_loop``.

Tolerances: a correct submission runs the same float32 operations as the
reference, so parameters, gradients and losses agree to float32 rounding;
the order of a reduction may differ (``squeeze`` vs ``view``, a sum over
another axis), which moves results by a few ulps, i.e. ~1e-7 relative. We
allow ``rtol=1e-5, atol=1e-6`` ("exactly one SGD step" up to rounding);
a missed or extra step, stale gradient or wrong loss moves them by >= 1e-3.
Labels are compared exactly except where the reference prediction lies
within 1e-5 of the 0.5 threshold (none do in these inputs but the crafted
boundary check, which uses exactly representable values).
"""

from __future__ import annotations

import numpy as np
import torch

from .core import CheckFailure, check

EXERCISE = "epoch_loop"
PARAM_NAMES = ("linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias")
RTOL, ATOL = 1e-5, 1e-6
CRITERION_TEXT = {"L1": "nn.L1Loss()", "MSE": "nn.MSELoss()", "SmoothL1": "nn.SmoothL1Loss()",
                  "BCEWithLogits": "nn.BCEWithLogitsLoss()"}


# ---------------------------------------------------------------- inputs
def make_weights(seed, out_bias=0.5):
    """Weights whose predictions straddle 0.5 on [-1, 1]^2 (mixed labels)."""
    rng = np.random.default_rng(seed)
    return {
        "linear1.weight": rng.normal(0, 1.0, (5, 2)).astype(np.float32),
        "linear1.bias": rng.normal(0, 0.3, (5,)).astype(np.float32),
        "linear2.weight": rng.normal(0, 0.7, (1, 5)).astype(np.float32),
        "linear2.bias": np.array([out_bias], dtype=np.float32),
    }


def make_db(seed, n):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, 2)), rng.integers(0, 2, n).astype(np.int64)


def stale_grads(seed):
    rng = np.random.default_rng(seed)
    shapes = {"linear1.weight": (5, 2), "linear1.bias": (5,), "linear2.weight": (1, 5), "linear2.bias": (1,)}
    return {k: rng.normal(0, 5.0, s).astype(np.float32) for k, s in shapes.items()}


def weights_of_network(net):
    return {name: p.detach().cpu().numpy().astype(np.float32).copy() for name, p in net.named_parameters()
            if name in PARAM_NAMES}


# ---------------------------------------------------------------- reference
def reference_network(weights):
    from toyopt_ref.model import Simple2DNetwork

    net = Simple2DNetwork(weight_init=None)
    with torch.no_grad():
        for name, param in net.named_parameters():
            param.copy_(torch.as_tensor(np.asarray(weights[name], dtype=np.float32)).reshape(param.shape))
    return net


def reference_call(weights, points, labels, criterion, lr=None):
    """What one correct ``epoch_loop`` call returns and leaves behind.

    Returns ``(expected, new_weights)``; `expected` has ``acc``, ``loss``,
    ``labels``, ``prediction`` and ``grads`` (None in eval mode).
    """
    from toyopt_ref.losses import make_loss

    net = reference_network(weights)
    x = torch.as_tensor(points, dtype=torch.float32)
    y = torch.as_tensor(labels, dtype=torch.float32)
    params = [dict(net.named_parameters())[n] for n in PARAM_NAMES]
    prediction = net(x).reshape(-1)
    loss = make_loss(criterion)(prediction, y)
    pred_labels = (prediction >= 0.5).detach().numpy()
    acc = float(np.mean(pred_labels == (np.asarray(labels) == 1)) * 100)
    expected = {"acc": acc, "loss": float(loss.detach()), "labels": pred_labels,
                "prediction": prediction.detach().numpy().astype(np.float64), "grads": None}
    new = {n: np.array(weights[n], dtype=np.float32) for n in PARAM_NAMES}
    if lr is not None:
        grads = torch.autograd.grad(loss, params)
        expected["grads"] = {n: g.numpy().astype(np.float64) for n, g in zip(PARAM_NAMES, grads)}
        with torch.no_grad():
            new = {n: (p - lr * g).numpy().astype(np.float32) for n, p, g in zip(PARAM_NAMES, params, grads)}
    return expected, new


# ---------------------------------------------------------------- probing
def run_probe(target, weights, calls, criterion, lr=0.1, stale_grad=None, device="cpu", pass_device=False):
    kwargs = dict(weights=weights, calls=calls, criterion=criterion, lr=lr, device=device,
                  pass_device=pass_device)
    if stale_grad is not None:
        kwargs["stale_grad"] = stale_grad
    out = target.probe("epoch_loop.run", **kwargs)
    results = out.get("results") if isinstance(out, dict) else None
    if not isinstance(results, list) or len(results) != len(calls):
        raise CheckFailure("epoch_loop: the grader got a malformed answer from your code's run")
    return results


def call_text(n, criterion, train, extra=""):
    opt = "optimiser=SGD" if train else "optimiser=None"
    return f"epoch_loop(model, db of {n} point{'s' if n != 1 else ''}, {CRITERION_TEXT[criterion]}, {opt}{extra})"


def _arr(x):
    return None if x is None else np.asarray(x, dtype=np.float64)


def check_returned_types(rep, n, where):
    if rep.get("returned_len") != 3:
        raise CheckFailure(f"{where}: expected a tuple (accuracy, loss, labels), got a "
                           f"{rep.get('returned_type')}")
    if rep.get("acc_type") not in ("float", "float64"):
        raise CheckFailure(f"{where}: the accuracy must be a Python float (percent), got a {rep.get('acc_type')}")
    if not rep.get("loss_is_python_float"):
        raise CheckFailure(f"{where}: the loss must be a Python float (use loss.item()), got a "
                           f"{rep.get('loss_type')}")
    if rep.get("labels_type") != "ndarray" or rep.get("labels_dtype") != "bool":
        raise CheckFailure(f"{where}: the labels must be a NumPy bool array, got a {rep.get('labels_type')}"
                           f"{' of dtype ' + rep['labels_dtype'] if rep.get('labels_dtype') else ''}")
    if tuple(rep.get("labels_shape") or ()) != (n,):
        raise CheckFailure(f"{where}: the labels must have shape ({n},), got "
                           f"{tuple(rep.get('labels_shape') or ())}")


def check_returned_values(rep, expected, where):
    acc, loss = rep.get("acc"), rep.get("loss")
    if acc is None or not np.isclose(acc, expected["acc"], rtol=0, atol=1e-6):
        raise CheckFailure(f"{where}: expected accuracy {expected['acc']:.6g} (percent, from the "
                           f"prediction before any update), got {acc}")
    if loss is None or not np.isclose(loss, expected["loss"], rtol=RTOL, atol=ATOL):
        raise CheckFailure(f"{where}: expected loss {expected['loss']:.6g} (the criterion on the "
                           f"(n,) prediction before any update), got {loss}")
    labels = _arr(rep.get("labels"))
    want = expected["labels"]
    if labels is None or labels.shape != want.shape:
        raise CheckFailure(f"{where}: expected {len(want)} labels, got "
                           f"{None if labels is None else labels.shape}")
    clear = np.abs(expected["prediction"] - 0.5) > 1e-5
    bad = np.flatnonzero(clear & ((labels != 0) != want))
    if len(bad):
        i = int(bad[0])
        raise CheckFailure(f"{where}: label {i}: the prediction before the update is "
                           f"{expected['prediction'][i]:.6g}, so the label is {bool(want[i])} "
                           f"(prediction >= 0.5), got {bool(labels[i])}")


def check_params(rep, want, where, what="the parameters"):
    params = rep.get("params") or {}
    for name in PARAM_NAMES:
        got = _arr(params.get(name))
        ref = np.asarray(want[name], dtype=np.float64)
        if got is None or got.shape != ref.shape or not np.allclose(got, ref, rtol=RTOL, atol=ATOL):
            raise CheckFailure(f"{where}: {what}: {name} should be\n{np.array2string(ref, precision=6)}\n"
                               f"got\n{None if got is None else np.array2string(got, precision=6)}")


def check_grads(rep, want, where, what):
    grads = rep.get("grads") or {}
    for name in PARAM_NAMES:
        got = _arr(grads.get(name))
        ref = None if want is None else np.asarray(want[name], dtype=np.float64)
        if ref is None:
            if got is not None:
                raise CheckFailure(f"{where}: {what}: {name}.grad should stay None, got a gradient")
            continue
        if got is None or got.shape != ref.shape or not np.allclose(got, ref, rtol=RTOL, atol=ATOL):
            raise CheckFailure(f"{where}: {what}: {name}.grad should be\n{np.array2string(ref, precision=6)}"
                               f"\ngot\n{None if got is None else np.array2string(got, precision=6)}")


def check_forwards(rep, where, train, device="cpu"):
    forwards = rep.get("forwards") or []
    if len(forwards) != 1:
        raise CheckFailure(f"{where}: expected exactly one forward pass of the model, saw {len(forwards)}")
    f = forwards[0]
    if bool(f.get("training")) != train:
        raise CheckFailure(f"{where}: the model was in {'training' if f.get('training') else 'eval'} "
                           f"mode during the forward pass; expected {'model.train()' if train else 'model.eval()'}")
    if bool(f.get("grad_enabled")) != train:
        raise CheckFailure(f"{where}: autograd was {'on' if f.get('grad_enabled') else 'off'} during the "
                           f"forward pass; expected it {'on' if train else 'off (torch.no_grad())'}")
    if f.get("input_dtype") != "float32":
        raise CheckFailure(f"{where}: the inputs must be float32 tensors, got {f.get('input_dtype')}")
    if not str(f.get("input_device", "")).startswith(device):
        raise CheckFailure(f"{where}: the inputs must be on {device}, got {f.get('input_device')}")


# ---------------------------------------------------------------- checks
@check(EXERCISE, "returns", 3, "returns (accuracy float, loss float, labels bool array of shape (n,))")
def check_returns(target):
    weights = make_weights(1)
    points, labels = make_db(2, 7)
    calls = [{"points": points, "labels": labels, "train": False},
             {"points": points, "labels": labels, "train": True}]
    for call, rep in zip(calls, run_probe(target, weights, calls, "MSE")):
        check_returned_types(rep, 7, call_text(7, "MSE", call["train"]))


@check(EXERCISE, "eval_values", 3, "evaluation: accuracy, loss and labels agree with an independent computation")
def check_eval_values(target):
    for i, criterion in enumerate(("L1", "MSE", "BCEWithLogits", "SmoothL1")):
        weights = make_weights(10 + i)
        points, labels = make_db(20 + i, 23)
        rep = run_probe(target, weights, [{"points": points, "labels": labels, "train": False}], criterion)[0]
        where = call_text(23, criterion, False)
        check_returned_types(rep, 23, where)
        expected, _ = reference_call(weights, points, labels, criterion)
        check_returned_values(rep, expected, where)


@check(EXERCISE, "eval_no_side_effects", 3, "evaluation: eval mode, no graph, no parameter or gradient change")
def check_eval_no_side_effects(target):
    weights = make_weights(30)
    points, labels = make_db(31, 16)
    stale = stale_grads(32)
    calls = [{"points": points, "labels": labels, "train": False}] * 2
    results = run_probe(target, weights, calls, "MSE", stale_grad=stale)
    for rep in results:
        where = call_text(16, "MSE", False)
        check_forwards(rep, where, train=False)
        if rep.get("loss_requires_grad"):
            raise CheckFailure(f"{where}: the returned loss carries an autograd graph; evaluation must not build one")
        check_params(rep, weights, where, "evaluation changed the parameters")
        check_grads(rep, stale, where, "evaluation changed the gradients")


@check(EXERCISE, "train_step", 4, "training: exactly one SGD step on this batch, values before the update")
def check_train_step(target, device="cpu"):
    for i, (criterion, lr, n) in enumerate((("MSE", 0.1, 20), ("L1", 0.5, 13), ("BCEWithLogits", 2.0, 17),
                                            ("MSE", 3.0, 9))):
        weights = make_weights(40 + i)
        points, labels = make_db(50 + i, n)
        rep = run_probe(target, weights, [{"points": points, "labels": labels, "train": True}], criterion,
                        lr=lr, device=device, pass_device=device != "cpu")[0]
        where = call_text(n, criterion, True, f", lr={lr}" + (f", device={device!r}" if device != "cpu" else ""))
        check_returned_types(rep, n, where)
        check_forwards(rep, where, train=True, device=device)
        expected, new = reference_call(weights, points, labels, criterion, lr)
        check_returned_values(rep, expected, where)
        check_grads(rep, expected["grads"], where, "after the call")
        check_params(rep, new, where, "after one SGD step (p - lr * grad)")


@check(EXERCISE, "train_step", 0, "training on CUDA with device='cuda' (not scored: skipped without a GPU)",
       device="cuda")
def check_train_step_cuda(target):
    check_train_step(target, device="cuda")


@check(EXERCISE, "no_accumulation", 3, "training: gradients of this batch only, across calls and stale .grad")
def check_no_accumulation(target):
    weights = make_weights(60)
    db1 = make_db(61, 19)
    db2 = make_db(62, 11)
    stale = stale_grads(63)
    calls = [{"points": db1[0], "labels": db1[1], "train": True},
             {"points": db2[0], "labels": db2[1], "train": False},
             {"points": db2[0], "labels": db2[1], "train": True},
             {"points": db1[0], "labels": db1[1], "train": True}]
    results = run_probe(target, weights, calls, "MSE", lr=0.5, stale_grad=stale)
    current = weights
    grads = stale
    for k, (call, rep) in enumerate(zip(calls, results)):
        n = len(call["labels"])
        where = f"call {k + 1} of 4: " + call_text(n, "MSE", call["train"], ", lr=0.5")
        if k == 0:
            where += " (with a stale .grad left from before)"
        expected, new = reference_call(current, call["points"], call["labels"], "MSE",
                                       0.5 if call["train"] else None)
        check_forwards(rep, where, train=call["train"])
        check_returned_values(rep, expected, where)
        if call["train"]:
            grads = expected["grads"]
        check_grads(rep, grads, where, "after the call")
        check_params(rep, new, where, "after the call")
        current = new


@check(EXERCISE, "threshold", 1, "labels are prediction >= 0.5 (a prediction of exactly 0.5 is label 1)")
def check_threshold(target):
    # prediction = relu(x0): exactly 0.5 for x0 = 0.5 (representable in float32)
    weights = {"linear1.weight": np.array([[1, 0]] + [[0, 0]] * 4, np.float32),
               "linear1.bias": np.zeros(5, np.float32),
               "linear2.weight": np.array([[1, 0, 0, 0, 0]], np.float32),
               "linear2.bias": np.zeros(1, np.float32)}
    points = np.array([[0.5, 0.0], [0.25, 0.3], [0.75, -0.2], [0.5, 0.9], [-1.0, 0.0]])
    labels = np.array([1, 0, 1, 0, 0])
    for train in (False, True):
        rep = run_probe(target, weights, [{"points": points, "labels": labels, "train": train}], "MSE")[0]
        where = call_text(5, "MSE", train) + " with predictions [0.5, 0.25, 0.75, 0.5, 0]"
        got = _arr(rep.get("labels"))
        want = np.array([True, False, True, True, False])
        if got is None or got.shape != (5,) or not np.array_equal(got != 0, want):
            raise CheckFailure(f"{where}: expected labels {want.tolist()} (prediction >= 0.5), got "
                               f"{None if got is None else (got != 0).tolist()}")
        if rep.get("acc") is None or not np.isclose(rep["acc"], 80.0, rtol=0, atol=1e-6):
            raise CheckFailure(f"{where}: expected accuracy 80.0, got {rep.get('acc')}")


@check(EXERCISE, "single_point", 1, "works on a dataset of one point")
def check_single_point(target):
    weights = make_weights(70)
    points, labels = make_db(71, 1)
    calls = [{"points": points, "labels": labels, "train": False},
             {"points": points, "labels": labels, "train": True}]
    current = weights
    for call, rep in zip(calls, run_probe(target, weights, calls, "MSE", lr=0.5)):
        where = call_text(1, "MSE", call["train"])
        check_returned_types(rep, 1, where)
        expected, new = reference_call(current, points, labels, "MSE", 0.5 if call["train"] else None)
        check_returned_values(rep, expected, where)
        check_params(rep, new, where, "after the call")
        current = new
