"""Correct: float(loss) and float(correct) conversions, labels cloned before the update, model.train() called before the tensors are built."""
import torch


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    if optimiser is not None:
        model.train()
    else:
        model.eval()
    if device is None:
        device = next((p.device for p in model.parameters()), torch.device("cpu"))
    x = torch.tensor(db[0]).to(device).float()
    y = torch.tensor(db[1]).to(device).float()
    grad_ctx = torch.enable_grad if optimiser is not None else torch.no_grad
    with grad_ctx():
        prediction = model(x)
        prediction = prediction.reshape(-1)
        labels = prediction.detach().clone() >= 0.5
        loss = criterion(prediction, y)
        loss_value = float(loss.detach())
        if optimiser is not None:
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    correct = float((labels == y).sum())
    return correct / labels.numel() * 100, loss_value, labels.cpu().numpy()
