"""Correct: squeeze(1) flattening, labels cloned to CPU right after the loss (before the update), explicit torch.enable_grad in training, gradients also cleared (set_to_none) after the step."""

import numpy as np
import torch


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    points, labels = db
    if device is None:
        device = next(iter(model.parameters()), torch.empty(0)).device
    x = torch.tensor(np.asarray(points, dtype=np.float64), dtype=torch.float32).to(device)
    y = torch.tensor(np.asarray(labels), dtype=torch.float32).view(-1).to(device)
    training = optimiser is not None
    model.train(training)
    context = torch.enable_grad() if training else torch.no_grad()
    with context:
        out = model(x)
        prediction = out.squeeze(1) if out.dim() == 2 else out.reshape(-1)
        loss = criterion(prediction, y)
    label_tensor = prediction.detach().ge(0.5).cpu().clone()
    loss_value = float(loss.detach().item())
    if training:
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        optimiser.zero_grad(set_to_none=True)
    labels_np = label_tensor.numpy().astype(np.bool_)
    true_np = y.detach().cpu().numpy()
    matches = int(np.count_nonzero(labels_np.astype(np.float32) == true_np))
    acc = 100.0 * matches / labels_np.shape[0]
    return acc, loss_value, labels_np
