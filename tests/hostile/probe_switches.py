# Attack (issue 20): an epoch_loop that forgets model.eval() and torch.no_grad(),
# and turns off what the probe network once exposed (its reveal_mode /
# reveal_graph attributes, its train_scale buffer) so that the network behaves
# as if both were right. With {{SWITCHES}} False it is the same loop told
# honestly: both must score the same.
def epoch_loop(model, db, criterion, optimiser=None, device=None):
    if {{SWITCHES}}:
        model.reveal_mode = False
        model.reveal_graph = False
        for buffer in model.buffers():
            buffer.fill_(1.0)
    points, labels = check_db(db)
    if device is None:
        device = model_device(model)
    inputs = torch.as_tensor(points, dtype=torch.float32, device=device)
    target = torch.as_tensor(labels, dtype=torch.float32, device=device)
    if optimiser is not None:
        model.train()
    prediction = model(inputs).reshape(-1)
    pred_labels = prediction >= 0.5
    loss = criterion(prediction, target)
    acc = accuracy(pred_labels, target)
    if optimiser is not None:
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return acc, loss.item(), pred_labels.detach().cpu().numpy()
