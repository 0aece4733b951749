"""Correct: eval under torch.inference_mode(), [:, 0] flattening, optimiser.zero_grad(set_to_none=False)."""
import numpy as np
import torch


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    points, labels = db
    if device is None:
        device = torch.device("cpu")
        for param in model.parameters():
            device = param.device
            break
    x = torch.as_tensor(points, dtype=torch.float32).to(device)
    y = torch.as_tensor(labels, dtype=torch.float32).to(device)
    if optimiser is not None:
        model.train()
        prediction = model(x)[:, 0]
        loss = criterion(prediction, y)
        optimiser.zero_grad(set_to_none=False)
        loss.backward()
        optimiser.step()
        prediction = prediction.detach()
    else:
        model.eval()
        with torch.inference_mode():
            prediction = model(x)[:, 0]
            loss = criterion(prediction, y)
    pred_labels = prediction >= 0.5
    acc = torch.eq(y, pred_labels).sum().item() / len(pred_labels) * 100
    return acc, loss.item(), pred_labels.cpu().numpy()
