"""Bug: returns the accuracy as a fraction in [0, 1], not a percentage."""

import numpy as np
import torch


def _device(model, device):
    return device if device is not None else next(model.parameters()).device


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    device = _device(model, device)
    train = optimiser is not None
    model.train() if train else model.eval()
    with torch.set_grad_enabled(train):
        x = torch.as_tensor(np.asarray(db[0]), dtype=torch.float32, device=device)
        y = torch.as_tensor(np.asarray(db[1]), dtype=torch.float32, device=device)
        prediction = model(x).reshape(-1)
        labels = prediction >= 0.5
        loss = criterion(prediction, y)
        acc = (labels == (y >= 0.5)).sum().item() / len(y)
        if train:
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return acc, loss.item(), labels.detach().cpu().numpy()
