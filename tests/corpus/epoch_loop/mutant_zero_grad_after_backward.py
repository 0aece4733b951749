"""Bug: zero_grad() is called after backward() and before step(), so the fresh gradients are wiped and no update happens."""
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
        loss.backward()
        optimiser.zero_grad()
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
