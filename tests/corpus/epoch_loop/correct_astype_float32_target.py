"""Correct: target from labels.astype(np.float32), points via torch.tensor(..., dtype=float32), prediction.reshape(n), accuracy with an explicit loop-free sum."""
import numpy as np
import torch


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    points, labels = db
    n = len(points)
    if device is None:
        param = next(model.parameters(), None)
        device = param.device if param is not None else torch.device("cpu")
    x = torch.tensor(np.asarray(points), dtype=torch.float32).to(device)
    y = torch.from_numpy(np.asarray(labels).astype(np.float32)).to(device)
    train = optimiser is not None
    if train:
        model.train()
        prediction = model(x).reshape(n)
        loss = criterion(prediction, y)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    else:
        model.eval()
        with torch.no_grad():
            prediction = model(x).reshape(n)
            loss = criterion(prediction, y)
    pred_labels = (prediction >= 0.5).detach().to("cpu").numpy()
    acc = (pred_labels == np.asarray(labels)).sum() / n * 100
    return float(acc), loss.item(), pred_labels
