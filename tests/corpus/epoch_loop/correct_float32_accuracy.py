"""Correct: accuracy as ((labels == y).float().mean() * 100).item() (float32 arithmetic, a Python float), flatten(), labels taken before the step."""
import torch


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    device = device if device is not None else next(
        (p.device for p in model.parameters()), torch.device("cpu"))
    x = torch.tensor(db[0], dtype=torch.float32, device=device)
    y = torch.tensor(db[1], dtype=torch.float32, device=device)
    training = optimiser is not None
    if training:
        model.train()
    else:
        model.eval()
    with torch.set_grad_enabled(training):
        prediction = model(x).flatten()
        loss = criterion(prediction, y)
    labels = (prediction >= 0.5).detach()
    acc = ((labels == y).float().mean() * 100).item()
    if training:
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return acc, loss.item(), labels.cpu().numpy()
