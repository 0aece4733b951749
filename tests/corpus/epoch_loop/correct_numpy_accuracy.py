"""Correct: torch.from_numpy on a float32 copy, labels thresholded in NumPy, accuracy with np.mean cast to a Python float."""
import numpy as np
import torch


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    points = np.ascontiguousarray(db[0], dtype=np.float32)
    targets = np.ascontiguousarray(db[1], dtype=np.float32)
    if device is None:
        device = next((p.device for p in model.parameters()), "cpu")
    x = torch.from_numpy(points).to(device)
    y = torch.from_numpy(targets).to(device)
    if optimiser is not None:
        model.train()
        out = model(x).reshape(-1)
        loss = criterion(out, y)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    else:
        model.eval()
        with torch.no_grad():
            out = model(x).reshape(-1)
            loss = criterion(out, y)
    pred = out.detach().cpu().numpy()
    labels = pred >= 0.5
    acc = float(np.mean(labels == targets) * 100)
    return acc, float(loss.item()), labels
