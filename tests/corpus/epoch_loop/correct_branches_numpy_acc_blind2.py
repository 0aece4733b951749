"""Correct: separate train/eval branches (eval under torch.no_grad()), torch.from_numpy float32 input, flatten(), labels and float32 accuracy computed in NumPy."""

import numpy as np
import torch


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    points = np.ascontiguousarray(db[0], dtype=np.float32)
    true = np.asarray(db[1]).reshape(-1)
    if device is None:
        params = list(model.parameters())
        device = params[0].device if params else torch.device("cpu")
    x = torch.from_numpy(points).to(device)
    y = torch.from_numpy(true.astype(np.float32)).to(device)
    if optimiser is not None:
        model.train()
        prediction = model(x).flatten()
        loss = criterion(prediction, y)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    else:
        model.eval()
        with torch.no_grad():
            prediction = model(x).flatten()
            loss = criterion(prediction, y)
    pred_np = prediction.detach().cpu().numpy()
    pred_labels = pred_np >= 0.5
    acc = np.mean((pred_labels == (true.astype(np.float32) >= 0.5)).astype(np.float32)) * np.float32(100)
    return float(acc), float(loss.detach().cpu().item()), pred_labels
