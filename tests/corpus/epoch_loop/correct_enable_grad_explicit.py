"""Correct: explicit torch.enable_grad() for training and torch.no_grad() for evaluation, model.train(is_train), torch.as_tensor(..., device) then .to(float32)."""
import torch


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    is_train = optimiser is not None
    if device is None:
        device = torch.device("cpu")
        for p in model.parameters():
            device = p.device
            break
    x = torch.as_tensor(db[0], device=device).to(torch.float32)
    y = torch.as_tensor(db[1], device=device).to(torch.float32)
    model.train(is_train)
    ctx = torch.enable_grad() if is_train else torch.no_grad()
    with ctx:
        pred = model(x).flatten()
        loss = criterion(pred, y)
    if is_train:
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    pred = pred.detach()
    labels = pred >= 0.5
    acc = 100.0 * labels.eq(y).sum().item() / labels.shape[0]
    return acc, loss.detach().item(), labels.to("cpu").numpy()
