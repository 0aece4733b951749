"""Bug: evaluation stays in train mode with autograd on (builds a graph)."""

import torch


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    device = device if device is not None else next(model.parameters()).device
    model.train()
    x = torch.as_tensor(db[0], dtype=torch.float32, device=device)
    y = torch.as_tensor(db[1], dtype=torch.float32, device=device)
    prediction = model(x).reshape(-1)
    labels = prediction >= 0.5
    loss = criterion(prediction, y)
    acc = (labels == (y >= 0.5)).sum().item() / len(y) * 100
    if optimiser is not None:
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return acc, loss.item(), labels.detach().cpu().numpy()
