"""Correct: tutorial-style single path under torch.set_grad_enabled(is_train), reshape(-1) flattening, accuracy via torch.eq sum on the labels."""

import numpy as np
import torch


def _model_device(model):
    for param in model.parameters():
        return param.device
    return torch.device("cpu")


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    points, labels = db
    if device is None:
        device = _model_device(model)
    is_train = optimiser is not None
    if is_train:
        model.train()
    else:
        model.eval()
    inputs = torch.as_tensor(np.asarray(points), dtype=torch.float32, device=device)
    target = torch.as_tensor(np.asarray(labels), dtype=torch.float32, device=device).reshape(-1)
    with torch.set_grad_enabled(is_train):
        prediction = model(inputs).reshape(-1)
        loss = criterion(prediction, target)
        pred_labels = (prediction >= 0.5).detach()
        n = pred_labels.numel()
        correct = torch.eq(pred_labels.to(target.dtype), target).sum().item()
        acc = correct / n * 100
        loss_value = loss.item()
        if is_train:
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return float(acc), float(loss_value), pred_labels.cpu().numpy().astype(bool)
