"""Bug: only calls model.train() when training and never model.eval() for evaluation, so a model left in training mode evaluates in training mode, breaking the without-optimiser model.eval() clause."""

import numpy as np
import torch


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    points, labels = db
    if device is None:
        params = list(model.parameters())
        device = params[0].device if params else torch.device("cpu")
    is_train = optimiser is not None
    if is_train:
        model.train()
    x = torch.as_tensor(np.asarray(points), dtype=torch.float32, device=device)
    y = torch.as_tensor(np.asarray(labels), dtype=torch.float32, device=device).reshape(-1)
    with torch.set_grad_enabled(is_train):
        prediction = model(x).reshape(-1)
        loss = criterion(prediction, y)
        pred_labels = (prediction >= 0.5).detach()
        acc = torch.eq(pred_labels.float(), y).sum().item() / len(pred_labels) * 100
        loss_value = loss.item()
        if is_train:
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return float(acc), float(loss_value), pred_labels.cpu().numpy()
