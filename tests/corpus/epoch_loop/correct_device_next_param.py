"""Correct: device from next(model.parameters()).device, squeeze(-1), zero_grad right before backward, labels from torch.ge."""
import torch


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    if device is None:
        device = next(model.parameters()).device
    points, labels = db
    inputs = torch.tensor(points).to(device=device, dtype=torch.float32)
    target = torch.tensor(labels).to(device=device, dtype=torch.float32)

    if optimiser is None:
        model.eval()
        with torch.no_grad():
            prediction = model(inputs).squeeze(-1)
            loss = criterion(prediction, target)
            pred_labels = torch.ge(prediction, 0.5)
    else:
        model.train()
        prediction = model(inputs).squeeze(-1)
        pred_labels = torch.ge(prediction.detach(), 0.5)
        loss = criterion(prediction, target)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()

    n = pred_labels.shape[0]
    acc = pred_labels.eq(target).sum().item() * 100 / n
    return float(acc), loss.item(), pred_labels.cpu().numpy()
