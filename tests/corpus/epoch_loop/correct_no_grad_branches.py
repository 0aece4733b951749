"""Correct: separate train/eval helpers, eval under torch.no_grad(), .view(-1), zero_grad called before the forward pass."""
import numpy as np
import torch


def _to_tensors(db, device):
    points, labels = db
    x = torch.tensor(np.asarray(points), dtype=torch.float32, device=device)
    y = torch.tensor(np.asarray(labels), dtype=torch.float32, device=device)
    return x, y


def _summary(prediction, y, loss):
    labels = prediction.detach() >= 0.5
    n_correct = int((labels == y).sum())
    return n_correct / labels.numel() * 100.0, float(loss.item()), labels.cpu().numpy()


def _train(model, x, y, criterion, optimiser):
    model.train()
    optimiser.zero_grad()
    prediction = model(x).view(-1)
    loss = criterion(prediction, y)
    loss.backward()
    optimiser.step()
    return prediction, loss


def _evaluate(model, x, y, criterion):
    model.eval()
    with torch.no_grad():
        prediction = model(x).view(-1)
        loss = criterion(prediction, y)
    return prediction, loss


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    if device is None:
        device = next(iter(model.parameters()), torch.empty(0)).device
    x, y = _to_tensors(db, device)
    if optimiser is None:
        prediction, loss = _evaluate(model, x, y, criterion)
    else:
        prediction, loss = _train(model, x, y, criterion, optimiser)
    return _summary(prediction, y, loss)
