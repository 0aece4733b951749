"""Correct: optimiser.zero_grad(set_to_none=False) before the forward pass, flatten(), inference_mode for eval."""

import numpy as np
import torch


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    device = device if device is not None else next(model.parameters()).device
    x = torch.tensor(db[0], dtype=torch.float32, device=device)
    y = torch.tensor(db[1], dtype=torch.float32, device=device)
    if optimiser is not None:
        model.train()
        optimiser.zero_grad(set_to_none=False)
        prediction = torch.flatten(model(x))
        loss = criterion(prediction, y)
        loss.backward()
        optimiser.step()
    else:
        model.eval()
        with torch.inference_mode():
            prediction = torch.flatten(model(x))
            loss = criterion(prediction, y)
    labels = (prediction >= 0.5).detach()
    correct = int((labels == y.bool()).sum())
    return 100.0 * correct / len(y), loss.item(), labels.cpu().numpy()
