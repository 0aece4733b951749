"""Correct: one code path with torch.no_grad() as a decorator-style helper for eval, torch.flatten(prediction), zero_grad(set_to_none=True) explicitly."""
import torch


@torch.no_grad()
def _predict_eval(model, x):
    model.eval()
    return torch.flatten(model(x))


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    dev = device
    if dev is None:
        dev = next((p.device for p in model.parameters()), torch.device("cpu"))
    x = torch.as_tensor(db[0], dtype=torch.float32, device=dev)
    y = torch.as_tensor(db[1], dtype=torch.float32, device=dev)
    if optimiser is None:
        prediction = _predict_eval(model, x)
        with torch.no_grad():
            loss = criterion(prediction, y)
    else:
        model.train()
        prediction = torch.flatten(model(x))
        loss = criterion(prediction, y)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
    labels = prediction.detach() >= 0.5
    acc = labels.eq(y).sum().item() / labels.numel() * 100
    return acc, loss.item(), labels.cpu().numpy()
