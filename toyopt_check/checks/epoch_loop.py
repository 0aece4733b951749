"""Checks of the `epoch_loop` exercise.

Expected values are data: ``expected("epoch_loop")`` holds scenarios (the
probe's inputs: weights, batches, criterion, optimiser) and, call by call,
what the reference's ``epoch_loop`` returned on the same probe network and the
parameters and ``.grad`` it left (producer: `toyopt.oracles.epoch_loop`). At
grading the same scenarios also run on weights and batches drawn from the
grading seed (`expect.drawn_for`), so a table of the kit's values earns nothing.

The probe network (`toyopt_check.inside.probes.epoch_loop`) makes the mistakes
visible: its output depends on train/eval mode and, where a scenario asks, on
whether autograd is on during evaluation; the number of optimiser steps, stale
gradients and the optimiser's state show in the parameters after each call.
No verdict rests on a record kept next to the student's code.

Tolerances. A correct submission runs the grader's network, criterion and
optimiser, the same float32 kernels: parameters and losses agree to a few
float32 ulps (~1e-7 relative), whatever the flattening. We allow ``rtol=1e-5,
atol=1e-6``; a missed or extra step, a stale gradient or a wrong mode moves
them by >= 1e-3 on these inputs (tests/toyopt_check/checks/test_epoch_loop.py). A float32
accuracy (``(labels == y).float().mean() * 100``) of n values is off by at most
~n * 2^-24: we allow ``atol = max(1e-3, n * 2^-23 * 100)`` percent, far below
the 100 / n between two accuracies. Labels are compared exactly except where
the reference's prediction lies within 1e-5 of 0.5 without being 0.5 (none
does; the threshold scenario's exact 0.5 is decided by the clause).
"""

from __future__ import annotations

import numpy as np

from .core import CheckFailure, check, probe_results
from .expect import drawn_for, expected

EXERCISE = "epoch_loop"
PARAM_NAMES = ("linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias")
RTOL, ATOL = 1e-5, 1e-6
#: the clauses (of the Contract in toyopt_ref.training.epoch_loop) that two checks test
CLAUSE_INPUTS = "the model is called on the points as a float32 tensor on `device`"
CLAUSE_TRAIN = "making exactly one optimiser step, with the gradients of this batch only"

MODE_HINT = ("the grader's network gives other outputs in training and eval mode: check "
             "model.train() / model.eval()")
#: the common bug behind a failed `no_accumulation` (the corpus' mutants that fail it)
ACCUMULATION_HINT = ("PyTorch adds each backward() into .grad: unless the gradients are zeroed "
                     "before it (optimiser.zero_grad() in every step), they accumulate across "
                     "steps and calls, and the update uses old batches' gradients too")


# ---------------------------------------------------------------- probing
def scenarios(target, key):
    """The fixed scenarios of check `key` (the kit's), and at grading also the
    same scenarios on weights and batches drawn from the grading seed."""
    fixed = expected(EXERCISE)[key]
    drawn = drawn_for(target, EXERCISE)
    if drawn is None:
        return fixed
    return [*fixed, *({**sc, "name": f"{sc['name']}, drawn at grading"} for sc in drawn[key])]


def call_text(sc, k):
    calls = sc["probe"]["calls"]
    call = calls[k]
    n = len(call["labels"])
    opt = sc["probe"].get("optimiser") or {"name": "SGD"}
    text = (f"epoch_loop(model, db of {n} point{'s' if n != 1 else ''}, criterion, "
            f"{'optimiser=' + opt['name'] if call['train'] else 'optimiser=None'})")
    prefix = f"call {k + 1} of {len(calls)}: " if len(calls) > 1 else ""
    return f"{prefix}{text} [{sc['name']}]"


def _arr(x):
    return None if x is None else np.asarray(x, dtype=np.float64)


def _close(got, ref) -> bool:
    return got is not None and got.shape == ref.shape and np.allclose(got, ref, rtol=RTOL, atol=ATOL)


def _text(x) -> str:
    return str(None if x is None else np.array2string(x, precision=6))


def accuracy_atol(n):
    """Percent: float32 mean of n values (see the module docstring)."""
    return max(1e-3, n * 2.0 ** -23 * 100)


def check_returned_types(rep, n, where):
    if rep.get("returned_len") != 3:
        raise CheckFailure(f"{where}: expected a tuple (accuracy, loss, labels), got a "
                           f"{rep.get('returned_type')}")
    if not rep.get("acc_is_python_float"):
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


def check_labels(rep, want, where):
    labels = _arr(rep.get("labels"))
    ref = np.asarray(want["labels"], dtype=bool)
    pred = np.asarray(want["prediction"], dtype=np.float64)
    if labels is None or labels.shape != ref.shape:
        raise CheckFailure(f"{where}: expected {len(ref)} labels, got "
                           f"{None if labels is None else labels.shape}")
    # exactly 0.5 is decided by the clause; within rounding of 0.5 is not
    clear = (np.abs(pred - 0.5) > 1e-5) | (pred == 0.5)
    bad = np.flatnonzero(clear & ((labels != 0) != ref))
    if len(bad):
        i = int(bad[0])
        raise CheckFailure(f"{where}: label {i}: the prediction before the update is "
                           f"{pred[i]:.6g}, so the label is {bool(ref[i])} (prediction >= 0.5), "
                           f"got {bool(labels[i])}")


def check_returned_values(rep, want, where, n, hint=MODE_HINT):
    acc, loss = rep.get("acc"), rep.get("loss")
    if acc is None or not np.isclose(acc, want["acc"], rtol=0, atol=accuracy_atol(n)):
        raise CheckFailure(f"{where}: expected accuracy {want['acc']:.6g} (percent, from the "
                           f"prediction before any update), got {acc}")
    if loss is None or not np.isclose(loss, want["loss"], rtol=RTOL, atol=ATOL):
        raise CheckFailure(f"{where}: expected loss {want['loss']:.6g} (the criterion on the "
                           f"(n,) prediction before any update), got {loss}"
                           f"{' (' + hint + ')' if hint else ''}")
    check_labels(rep, want, where)


def check_params(rep, want, where, what):
    params = rep.get("params") or {}
    for name in PARAM_NAMES:
        got = _arr(params.get(name))
        ref = np.asarray(want["params"][name], dtype=np.float64)
        if not _close(got, ref):
            raise CheckFailure(f"{where}: {what}: {name} should be\n{_text(ref)}\ngot\n{_text(got)}")


def check_grads_unchanged(rep, want, where):
    grads = rep.get("grads") or {}
    for name in PARAM_NAMES:
        got, ref = _arr(grads.get(name)), want["grads"].get(name)
        if ref is None:
            if got is not None:
                raise CheckFailure(f"{where}: evaluation changed the gradients: {name}.grad should stay "
                                   "None, got a gradient")
            continue
        ref = np.asarray(ref, dtype=np.float64)
        if not _close(got, ref):  # equal, up to float32 rounding of the copy
            raise CheckFailure(f"{where}: evaluation changed the gradients: {name}.grad should stay\n"
                               f"{_text(ref)}\ngot\n{_text(got)}")


def check_calls(target, sc, *, values=True, params=True, grads=False, hint=MODE_HINT, device="cpu"):
    """What every call of `sc` returned (its types; with `values`, its values) and,
    with `params` / `grads`, the parameters and ``.grad`` after it."""
    kwargs, calls = dict(sc["probe"]), sc["probe"]["calls"]
    if device != "cpu":
        kwargs.update(device=device, pass_device=True)
    for k, (rep, want) in enumerate(zip(probe_results(target, "epoch_loop.run", len(calls), **kwargs), sc["want"])):
        call = calls[k]
        where = call_text(sc, k)
        n = len(call["labels"])
        check_returned_types(rep, n, where)
        if values:
            check_returned_values(rep, want, where, n, hint)
        if params:
            check_params(rep, want, where, "after one optimiser step" if call["train"] else
                         "evaluation must not change the parameters")
        if grads:
            check_grads_unchanged(rep, want, where)


def _scenarios_check(name, points, title, clause, requires=(), **how):
    """Register check `name`: `check_calls` on each of its scenarios."""
    @check(EXERCISE, name, points, title, clause=clause, requires=requires)
    def run(target):
        for sc in scenarios(target, name):
            check_calls(target, sc, **how)


# ---------------------------------------------------------------- checks
_scenarios_check("returns", 3, "returns (accuracy float, loss float, labels bool array of shape (n,))",
                 "returns ``(accuracy, loss, labels)``", values=False, params=False)
_scenarios_check("eval_values", 3, "evaluation: accuracy, loss and labels in eval mode",
                 "without one: ``model.eval()`` and ``torch.no_grad()`` for the forward pass", params=False)
_scenarios_check("eval_no_side_effects", 2, "evaluation: no autograd, no parameter or gradient change",
                 "no parameter or gradient changes", ("eval_values",), grads=True,
                 hint=("the grader's network gives another output when autograd is on in evaluation: "
                       "run the forward pass under torch.no_grad()"))


_scenarios_check("train_step", 4, "training: train mode, exactly one SGD step on this batch, values before it",
                 CLAUSE_TRAIN)


@check(EXERCISE, "train_step", 0, "training on CUDA with device='cuda' (not scored: skipped without a GPU)",
       device="cuda", clause=CLAUSE_INPUTS)
def check_train_step_cuda(target):
    # then a CPU model on a machine with CUDA: the default device is the model's (cpu)
    for device in ("cuda", "cpu"):
        for sc in scenarios(target, "train_step"):
            check_calls(target, sc, device=device)


@check(EXERCISE, "no_accumulation", 2, "training: gradients of this batch only, across calls and stale .grad",
       clause="nothing accumulated from an earlier call or left in ``.grad`` before it", requires=("train_step",))
def check_no_accumulation(target):
    for sc in scenarios(target, "no_accumulation"):
        try:
            check_calls(target, sc)
        except CheckFailure as exc:
            raise CheckFailure(f"{exc}\nhint: {ACCUMULATION_HINT}") from None


_scenarios_check("optimiser_state", 2, "training with SGD momentum and Adam: one step a call, state kept",
                 "whatever the optimiser", ("train_step",))
_scenarios_check("threshold", 1, "labels are prediction >= 0.5 (a prediction of exactly 0.5 is label 1)",
                 "predicted labels are ``prediction >= 0.5`` (a prediction of exactly 0.5 is label 1)",
                 ("eval_values",), params=False)
_scenarios_check("inputs", 1, "float32 points to the model, (n,) prediction and float32 (n,) target "
                 "to the criterion, also for one point", CLAUSE_INPUTS, ("eval_values",))
