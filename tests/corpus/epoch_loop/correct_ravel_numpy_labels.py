"""Correct: labels from prediction.detach().cpu().numpy().ravel() >= 0.5 taken after the step from the saved pre-update prediction; accuracy counted with torch.from_numpy(labels)."""
import numpy as np
import torch


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    if device is None:
        device = next((p.device for p in model.parameters()), torch.device("cpu"))
    else:
        device = torch.device(device)
    x = torch.as_tensor(np.asarray(db[0]), dtype=torch.float32, device=device)
    y = torch.as_tensor(np.asarray(db[1]), dtype=torch.float32, device=device)
    if optimiser is None:
        model.eval()
        with torch.no_grad():
            out = model(x)
            loss = criterion(out.view(-1), y)
    else:
        model.train()
        out = model(x)
        loss = criterion(out.view(-1), y)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    labels = out.detach().cpu().numpy().ravel() >= 0.5
    correct = torch.eq(y.cpu(), torch.from_numpy(labels)).sum().item()
    return correct / labels.size * 100, loss.item(), labels
