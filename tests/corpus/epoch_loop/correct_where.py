"""Correct: explicit no_grad branch for evaluation, view(-1), labels by torch.where, accuracy in NumPy."""

import numpy as np
import torch


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    points, targets = db
    if device is None:
        device = next(model.parameters()).device
    x = torch.from_numpy(np.ascontiguousarray(points)).float().to(device)
    y = torch.from_numpy(np.ascontiguousarray(targets)).float().to(device)

    def run():
        prediction = model(x).view(-1)
        labels = torch.where(prediction >= 0.5, torch.ones_like(prediction), torch.zeros_like(prediction)).bool()
        return prediction, labels, criterion(prediction, y)

    if optimiser is None:
        model.eval()
        with torch.no_grad():
            prediction, labels, loss = run()
    else:
        model.train()
        prediction, labels, loss = run()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    labels_np = labels.detach().cpu().numpy()
    acc = float(np.mean(labels_np == (np.asarray(targets) == 1)) * 100)
    return acc, float(loss.detach().cpu()), labels_np
