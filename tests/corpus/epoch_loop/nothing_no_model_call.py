"""Nothing: sets the right mode and returns the right types, with the loss of an all-zero prediction, but never calls the model or the optimiser."""
import numpy as np
import torch


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    points, labels = db
    model.train() if optimiser is not None else model.eval()
    y = torch.as_tensor(np.asarray(labels), dtype=torch.float32)
    with torch.no_grad():
        prediction = torch.zeros_like(y)
        loss = criterion(prediction, y)
    pred_labels = (prediction >= 0.5).numpy()
    acc = float((pred_labels == np.asarray(labels)).mean() * 100)
    return acc, loss.item(), pred_labels
