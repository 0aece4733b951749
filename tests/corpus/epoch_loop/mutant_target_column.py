"""Bug: instead of flattening the prediction, the target is reshaped to (n, 1), so the criterion gets (n, 1) tensors, not the (n,) prediction and float32 target vector."""
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
        prediction = model(x)
        loss = criterion(prediction, y.reshape(-1, 1))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    else:
        model.eval()
        with torch.no_grad():
            prediction = model(x)
            loss = criterion(prediction, y.reshape(-1, 1))
    pred_labels = prediction.detach().reshape(-1) >= 0.5
    correct = torch.eq(pred_labels, y).sum().item()
    acc = correct / len(pred_labels) * 100
    return acc, loss.item(), pred_labels.cpu().numpy()
