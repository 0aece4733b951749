# Generated from toyopt_ref/training.py by `toyopt release`.
# Your copy: complete the functions that raise NotImplementedError.
"""Accuracy, the five training steps (`epoch_loop`) and a `train` that calls it every epoch."""

from dataclasses import dataclass, field

import numpy as np
import torch

from .data import check_db
from .errors import InvalidInputError, check_count


def select_device(name=None):
    """``None``/``'auto'``: CUDA when available, else CPU; else that device.

    Asking for CUDA without a GPU raises `InvalidInputError`.
    """
    if name is None or name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(name)
    except (RuntimeError, TypeError) as exc:
        raise InvalidInputError(f"unknown device {name!r}") from exc
    if device.type == "cuda" and not torch.cuda.is_available():
        raise InvalidInputError(f"device {name!r} asked for, but CUDA is not available here")
    return device


def model_device(model):
    """The device of the model's first parameter (CPU for a model without any)."""
    for param in model.parameters():
        return param.device
    return torch.device("cpu")


def accuracy(pred_labels, true_labels):
    """Percentage (0-100, a float) of positions where the labels agree."""
    if len(pred_labels) != len(true_labels):
        raise InvalidInputError(
            f"accuracy: {len(pred_labels)} predictions for {len(true_labels)} labels"
        )
    if len(pred_labels) == 0:
        raise InvalidInputError("accuracy of an empty set is undefined")
    correct = torch.eq(true_labels, pred_labels).sum().item()
    return correct / len(pred_labels) * 100


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    """One full-batch pass of `model` over `db`; trains when `optimiser` is given.

    Contract (what the autograder checks):

    - `db` is ``(points, labels)`` as NumPy arrays; the model is called on the
      points as a float32 tensor on `device` (default: the model's device), and
      `criterion` gets the prediction flattened from ``(n, 1)`` to ``(n,)`` and
      the labels as a float32 tensor of shape ``(n,)``;
    - with an optimiser: ``model.train()``, then the five steps -- forward
      pass, loss, ``optimiser.zero_grad()``, ``loss.backward()``,
      ``optimiser.step()`` -- making exactly one optimiser step, with the
      gradients of this batch only (nothing accumulated from an earlier call
      or left in ``.grad`` before it), whatever the optimiser;
    - without one: ``model.eval()`` and ``torch.no_grad()`` for the forward
      pass, and no parameter or gradient changes;
    - predicted labels are ``prediction >= 0.5`` (a prediction of exactly 0.5
      is label 1), computed from the prediction the loss is computed from,
      made *before* the update;
    - returns ``(accuracy, loss, labels)``: accuracy in percent (a Python
      float, 0-100), the loss as a Python float, and the predicted labels as
      a NumPy bool array of shape ``(n,)``.

    Not part of the contract: ``.grad`` after a training call (zeroing it
    again after the step is fine), how many times the model is called, and
    the arithmetic of the accuracy (a float32 mean is fine: accuracy is
    compared to within 1e-3 percent).
    """
    # YOUR CODE HERE
    raise NotImplementedError("epoch_loop: not implemented yet")


@dataclass
class TrainLog:
    """Per-epoch curves of one training run (NumPy arrays of length `epochs`).

    Accuracies are percentages; `train_*` are measured on the prediction made
    before each epoch's update, as `epoch_loop` reports them, and `test_*` just
    after the update.
    """

    train_acc: np.ndarray
    train_loss: np.ndarray
    test_acc: np.ndarray
    test_loss: np.ndarray
    test_pred: list = field(default_factory=list)

    @property
    def epochs(self):
        return len(self.train_acc)

    def summary(self):
        """Final and best accuracies and final losses as plain floats."""
        return {
            "epochs": int(self.epochs),
            "final_train_acc": float(self.train_acc[-1]),
            "final_test_acc": float(self.test_acc[-1]),
            "best_test_acc": float(self.test_acc.max()),
            "final_train_loss": float(self.train_loss[-1]),
            "final_test_loss": float(self.test_loss[-1]),
        }


def train(model, train_db, test_db, criterion, optimiser=None, lr=0.1, epochs=1000,
          device=None, callback=None, record_predictions=False):
    """Train for `epochs` epochs, as the tutorial's loop does: each epoch calls
    ``epoch_loop(model, train_db, criterion, optimiser)`` (one full-batch
    update), then ``epoch_loop(model, test_db, criterion)`` (evaluation).

    `optimiser` defaults to ``torch.optim.SGD(model.parameters(), lr=lr)``.
    `callback(epoch, train_acc, train_loss, test_acc, test_loss)` is called
    after every epoch if given. With `record_predictions`, the log keeps the
    test set's predicted labels of every epoch. Returns a `TrainLog`.
    """
    epochs = check_count("epochs", epochs)
    if epochs == 0:
        raise InvalidInputError("epochs must be at least 1")
    for db, name in ((train_db, "train_db"), (test_db, "test_db")):
        if len(check_db(db, name)[0]) == 0:
            raise InvalidInputError("train and test sets must each hold at least one point")
    if optimiser is None:
        optimiser = torch.optim.SGD(model.parameters(), lr=lr)
    curves = {"train_acc": [], "train_loss": [], "test_acc": [], "test_loss": []}
    test_pred = []
    for epoch in range(epochs):
        train_acc, train_loss, _ = epoch_loop(model, train_db, criterion, optimiser, device)
        test_acc, test_loss, labels = epoch_loop(model, test_db, criterion, device=device)
        for key, value in zip(curves, (train_acc, train_loss, test_acc, test_loss)):
            curves[key].append(value)
        if record_predictions:
            test_pred.append(labels)
        if callback is not None:
            callback(epoch, train_acc, train_loss, test_acc, test_loss)
    return TrainLog(**{key: np.array(values, dtype=np.float64) for key, values in curves.items()},
                    test_pred=test_pred)
