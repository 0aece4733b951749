"""Correct: the tutorial's loop adapted: torch.set_grad_enabled(is_train), torch.tensor(...).float().to(device), squeeze(1), its accuracy helper, device defaulting to the model's."""
import numpy as np
import torch


def accuracy(y_pred, y_true):
    correct = torch.eq(y_true, y_pred).sum().item()
    return (correct / len(y_pred)) * 100


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    is_train = optimiser is not None
    if device is None:
        params = list(model.parameters())
        device = params[0].device if params else torch.device("cpu")
    model.train() if is_train else model.eval()
    with torch.set_grad_enabled(is_train):
        input_data = torch.tensor(db[0]).float().to(device)
        target = torch.tensor(db[1]).float().to(device)
        # 1. forward pass
        prediction = model(input_data)
        prediction = prediction.squeeze(1)
        pred_labels = prediction >= 0.5
        # 2. loss
        loss = criterion(prediction, target)
        acc = accuracy(pred_labels, target)
        if is_train:
            optimiser.zero_grad()   # 3.
            loss.backward()         # 4.
            optimiser.step()        # 5.
    return acc, loss.item(), pred_labels.detach().cpu().numpy()
