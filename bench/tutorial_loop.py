"""A faithful copy of the tutorial's training loop, for benchmarks and equivalence tests.

It follows the tutorial's code step for step (tensors rebuilt every call, a
`.item()` per epoch, `nn.Module` calls), except that the device is a parameter
and the labels use `reshape(-1)`-free `squeeze()` exactly as written there.
"""

import numpy as np
import torch


def tutorial_accuracy(y_pred, y_true):
    correct = torch.eq(y_true, y_pred).sum().item()
    return (correct / len(y_pred)) * 100


def tutorial_epoch_loop(model, db, criterion, optimiser, device):
    is_train = optimiser is not None
    model.train() if is_train else model.eval()
    with torch.set_grad_enabled(is_train):
        input_data = torch.tensor(db[0]).float().to(device)
        target = torch.tensor(db[1]).float().to(device)
        prediction = model(input_data).squeeze()
        pred_labels = prediction >= 0.5
        loss = criterion(prediction, target)
        acc = tutorial_accuracy(pred_labels, target)
        if is_train:
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return acc, loss.item(), pred_labels.detach().cpu().numpy()


def tutorial_train(model, train_db, test_db, criterion, optimiser, epochs, device="cpu"):
    """Returns (train_acc, train_loss, test_acc, test_loss) lists, as the tutorial logs them."""
    logs = ([], [], [], [])
    for _ in range(epochs):
        tr = tutorial_epoch_loop(model, train_db, criterion, optimiser, device)
        te = tutorial_epoch_loop(model, test_db, criterion, None, device)
        for log, value in zip(logs, (tr[0], tr[1], te[0], te[1])):
            log.append(np.mean(value))
    return logs
