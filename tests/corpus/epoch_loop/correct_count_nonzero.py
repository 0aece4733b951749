"""Correct: labels as a NumPy bool array built before the update, accuracy via np.count_nonzero against the db labels."""
import numpy as np
import torch


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    points, true_labels = db
    true_labels = np.asarray(true_labels)
    if device is None:
        params = list(model.parameters())
        device = params[0].device if len(params) else torch.device("cpu")
    x = torch.tensor(points, dtype=torch.float32).to(device)
    y = torch.tensor(true_labels, dtype=torch.float32).to(device)

    if optimiser is not None:
        model.train()
    else:
        model.eval()

    with torch.set_grad_enabled(optimiser is not None):
        prediction = model(x)
        prediction = prediction.reshape(prediction.shape[0])
        loss = criterion(prediction, y)
        labels = (prediction >= 0.5).cpu().numpy().astype(bool)
        if optimiser is not None:
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()

    acc = np.count_nonzero(labels == true_labels) / len(labels) * 100
    return float(acc), loss.item(), labels
