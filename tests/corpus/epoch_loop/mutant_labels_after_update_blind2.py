"""Bug: in training, predicted labels (and accuracy) come from a second forward pass made after optimiser.step(), breaking the clause that labels come from the loss's prediction made before the update."""

import numpy as np
import torch


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    points, labels = db
    if device is None:
        params = list(model.parameters())
        device = params[0].device if params else torch.device("cpu")
    x = torch.as_tensor(np.asarray(points), dtype=torch.float32, device=device)
    y = torch.as_tensor(np.asarray(labels), dtype=torch.float32, device=device).reshape(-1)
    if optimiser is not None:
        model.train()
        prediction = model(x).reshape(-1)
        loss = criterion(prediction, y)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        with torch.no_grad():
            prediction = model(x).reshape(-1)
    else:
        model.eval()
        with torch.no_grad():
            prediction = model(x).reshape(-1)
            loss = criterion(prediction, y)
    pred_labels = (prediction >= 0.5).detach()
    acc = torch.eq(pred_labels.float(), y).float().mean().item() * 100
    return float(acc), float(loss.item()), pred_labels.cpu().numpy()
