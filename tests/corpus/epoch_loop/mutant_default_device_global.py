"""Bug: the default device is 'cuda if available else cpu' (the tutorial's global) instead of the model's device (observable only on a machine with CUDA and a CPU model)."""

NEEDS_CUDA = True  # only a GPU run can tell (see the cuda checks)

import numpy as np
import torch


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    points, labels = db
    if device is None:
        device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    x = torch.as_tensor(np.asarray(points), dtype=torch.float32, device=device)
    y = torch.as_tensor(np.asarray(labels), dtype=torch.float32, device=device)
    if optimiser is not None:
        model.train()
        prediction = model(x).reshape(-1)
        loss = criterion(prediction, y)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    else:
        model.eval()
        with torch.no_grad():
            prediction = model(x).reshape(-1)
            loss = criterion(prediction, y)
    pred_labels = prediction.detach() >= 0.5
    correct = torch.eq(pred_labels, y).sum().item()
    acc = correct / len(pred_labels) * 100
    return acc, loss.item(), pred_labels.cpu().numpy()
