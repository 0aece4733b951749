"""Bug: accuracy is computed with np.mean(..., dtype=np.float32) * 100, a numpy.float32 rather than a Python float."""
import numpy as np
import torch


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    points, labels = db
    if device is None:
        device = next((p.device for p in model.parameters()), torch.device("cpu"))
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
    acc = np.mean(pred_labels.cpu().numpy() == np.asarray(labels), dtype=np.float32) * 100
    return acc, loss.item(), pred_labels.cpu().numpy()
