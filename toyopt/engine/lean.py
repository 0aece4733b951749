"""The lean trainer of the tooling (`toyopt tutorial`, benchmarks): the numbers of
`toyopt_ref.training.train`, the plain loop a student reads, without its per-epoch overhead."""

import numpy as np
import torch

from toyopt_ref.data import check_db
from toyopt_ref.errors import InvalidInputError, check_count
from toyopt_ref.training import TrainLog, model_device

from .fastpath import CriterionGrad, Simple2DSteps, plain_sgd_lr, simple2d_params


def _make_train_step(model, criterion, optimiser, x, y, device):
    """The fastest exact way to run one epoch's update and evaluation.

    Returns ``(path, step, evaluate, eval_loss, last_grads)``: `path` names the path
    taken (``'fused'``, ``'sgd'`` or ``'generic'``); ``step() -> (prediction,
    loss)`` makes one full-batch update and returns the flattened prediction
    made before it; ``evaluate(x) -> prediction`` predicts without a graph
    (both run under ``torch.no_grad()``); ``eval_loss(prediction, target)``
    computes the criterion's value (the same kernels); ``last_grads()`` gives ``(params,
    grads)`` of the last step for the plain-SGD paths, None for generic.
    """
    fused_params = simple2d_params(model, device)
    params = fused_params if fused_params is not None else list(model.parameters())
    lr = plain_sgd_lr(optimiser, params)
    group = optimiser.param_groups[0] if lr is not None else None
    last = [None]
    enable_grad, autograd_grad, foreach_add_ = torch.enable_grad, torch.autograd.grad, torch._foreach_add_

    if lr is not None and fused_params is not None:
        net = Simple2DSteps(model, fused_params)
        crit = CriterionGrad(criterion, fused_params[0].dtype, device)
        loss_and_grad, eval_loss = crit.loss_and_grad, crit.loss

        def step():  # runs under no_grad
            prediction, hidden = net.predict(x)
            loss, grad_pred = loss_and_grad(prediction, y)
            grads = net.grads(x, hidden, grad_pred)
            foreach_add_(fused_params, grads, alpha=-group["lr"])
            last[0] = grads
            return prediction, loss

        def evaluate(x_eval):
            return net.predict(x_eval)[0]

        return "fused", step, evaluate, eval_loss, lambda: (fused_params, last[0])

    def evaluate(x_eval):
        model.eval()
        return model(x_eval).reshape(-1)

    if lr is not None:
        def step():
            model.train()
            with enable_grad():
                prediction = model(x).reshape(-1)
                loss = criterion(prediction, y)
                grads = autograd_grad(loss, params, allow_unused=True)
            used = [(p, g) for p, g in zip(params, grads) if g is not None]
            if used:
                foreach_add_([p for p, _ in used], [g for _, g in used], alpha=-group["lr"])
            last[0] = grads
            return prediction, loss

        return "sgd", step, evaluate, criterion, lambda: (params, last[0])

    def step():
        model.train()
        with enable_grad():
            prediction = model(x).reshape(-1)
            loss = criterion(prediction, y)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        return prediction, loss

    return "generic", step, evaluate, criterion, lambda: None


def train(model, train_db, test_db, criterion, optimiser=None, lr=0.1, epochs=1000,
          device=None, callback=None, record_predictions=False):
    """Train with full-batch steps and evaluate on `test_db` after each epoch.

    Same numbers, bit for bit, as calling ``epoch_loop(model, train_db,
    criterion, optimiser)`` then ``epoch_loop(model, test_db, criterion)`` for
    each epoch (docs/performance-train.md says how). `optimiser` defaults to
    ``torch.optim.SGD(model.parameters(), lr=lr)``; a plain SGD takes the fast
    paths of `toyopt.engine.fastpath`. On return each parameter's ``.grad``
    holds the gradient of the last epoch (as after the tutorial's loop), the
    optimiser stays usable and the model is left in eval mode.

    `callback(epoch, train_acc, train_loss, test_acc, test_loss)` is called
    after every epoch if given, with Python floats (this forces a host sync
    each epoch: use it for progress display, not in benchmarks).
    Returns a `TrainLog`.
    """
    epochs = check_count("epochs", epochs)
    if epochs == 0:
        raise InvalidInputError("epochs must be at least 1")
    train_points, train_labels = check_db(train_db, "train_db")
    test_points, test_labels = check_db(test_db, "test_db")
    if len(train_points) == 0 or len(test_points) == 0:
        raise InvalidInputError("train and test sets must each hold at least one point")
    device = model_device(model) if device is None else torch.device(device)
    if optimiser is None:
        optimiser = torch.optim.SGD(model.parameters(), lr=lr)

    x_tr, y_tr, x_te, y_te = (torch.as_tensor(a, dtype=torch.float32, device=device)
                              for a in (train_points, train_labels, test_points, test_labels))
    n_tr, n_te = len(x_tr), len(x_te)
    _path, step, evaluate, eval_loss, last_grads = _make_train_step(
        model, criterion, optimiser, x_tr, y_tr, device)
    # Per-epoch predictions and 0-d losses; compared and copied once at the end.
    tr_pred, tr_loss, te_pred, te_loss = [], [], [], []

    threads = torch.get_num_threads()
    if device.type == "cpu":
        torch.set_num_threads(1)
    try:
        with torch.no_grad():
            for epoch in range(epochs):
                prediction, loss = step()
                tr_pred.append(prediction)
                tr_loss.append(loss)

                prediction = evaluate(x_te)
                te_pred.append(prediction)
                te_loss.append(eval_loss(prediction, y_te))
                if callback is not None:
                    callback(epoch,
                             torch.eq(y_tr, tr_pred[-1] >= 0.5).sum().item() / n_tr * 100,
                             tr_loss[-1].item(),
                             torch.eq(y_te, prediction >= 0.5).sum().item() / n_te * 100,
                             te_loss[-1].item())
            # The tutorial's accuracy compares the float labels with the bool
            # predictions (``torch.eq``); the same comparison, all epochs at once.
            tr_correct = torch.eq(y_tr, torch.stack(tr_pred) >= 0.5).sum(1).cpu().numpy()
            te_labels = torch.stack(te_pred) >= 0.5
            te_correct = torch.eq(y_te, te_labels).sum(1).cpu().numpy()
            losses = torch.stack([torch.stack(tr_loss), torch.stack(te_loss)]).cpu().numpy()
    finally:
        torch.set_num_threads(threads)
    model.eval()
    grads = last_grads()
    if grads is not None:
        for param, grad in zip(*grads):
            param.grad = grad

    # Same arithmetic as `accuracy`: (correct / n) * 100 in float64.
    return TrainLog(
        train_acc=tr_correct / n_tr * 100,
        train_loss=losses[0].astype(np.float64),
        test_acc=te_correct / n_te * 100,
        test_loss=losses[1].astype(np.float64),
        test_pred=list(te_labels.cpu().numpy()) if record_predictions else [],
    )
