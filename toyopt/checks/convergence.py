"""Training-convergence checks: score exercises by what they enable.

- ``epoch_loop.converges_linear`` / ``converges_circular``: the student's
  ``epoch_loop`` trains the tutorial's 2-5-1 network (probe side); the probe
  returns the weights after every epoch and this side evaluates them on its
  own test set with the reference network (a probe's own accuracy is never
  trusted), and replays a few epochs as reference SGD steps.
- ``circular_mse.learns_angles``: a linear angle regressor trained with the
  student's ``circular_mse`` fits targets that wrap around 2 pi (plain MSE
  cannot: RMSE >= 1.57 rad on every calibration seed).
- ``spiral_2d.learnable``: the student's spiral data is learnt by a bigger
  reference network (2-32-32-1, Adam), trained here.

Configurations, seeds and thresholds come from `thresholds` (written by the
calibration, docs/calibration.md). Every run has fixed seeds: same
submission, same score. A check passes when ANY of its seeds reaches the
threshold (seeds are tried in order and the first pass stops the check).
"""

from __future__ import annotations

import math

import numpy as np
import torch

from toyopt_check.checks.core import CheckFailure, check, malformed
from toyopt_check.checks.epoch_loop import ACCUMULATION_HINT, CLAUSE_TRAIN

from .thresholds import CONVERGENCE

PARAM_SHAPES = (("linear1.weight", (5, 2)), ("linear1.bias", (5,)), ("linear2.weight", (1, 5)),
                ("linear2.bias", (1,)))
DATA_SEED_OFFSET = 1000  # data seeds differ from init seeds
TEST_SEED_OFFSET = 2000


# ---------------------------------------------------------------- 2-5-1 setup and evaluation
def network_setup(cfg, seed):
    """(initial weights, train_db, test_db) for one seed of a 2-5-1 config."""
    from toyopt_ref.data import GENERATORS
    from toyopt_ref.model import Simple2DNetwork

    generator = GENERATORS[f"{cfg['dataset']}_data"]
    np.random.seed(DATA_SEED_OFFSET + seed)
    train_db = generator(cfg["train_points"])
    np.random.seed(TEST_SEED_OFFSET + seed)
    test_db = generator(cfg["test_points"])
    torch.manual_seed(seed)
    net = Simple2DNetwork("uniform")
    weights = {n: p.detach().numpy().astype(np.float32).copy() for n, p in net.named_parameters()}
    return weights, train_db, test_db


def unflatten(history):
    """(E, 21) flattened weights -> dict of (E, *shape) float32 tensors."""
    out, start = {}, 0
    h = torch.as_tensor(np.asarray(history, dtype=np.float32))
    for name, shape in PARAM_SHAPES:
        size = int(np.prod(shape))
        out[name] = h[:, start:start + size].reshape((h.shape[0],) + shape)
        start += size
    return out


def accuracy_per_epoch(history, db):
    """Test accuracy (%) of every weight set in `history` (E, 21) on `db`,
    by the reference network's arithmetic (prediction >= 0.5 is label 1)."""
    points, labels = db
    w = unflatten(history)
    x = torch.as_tensor(points, dtype=torch.float32)
    with torch.no_grad():
        hidden = torch.relu(torch.einsum("ni,ehi->enh", x, w["linear1.weight"]) + w["linear1.bias"][:, None, :])
        out = torch.einsum("enh,eoh->eno", hidden, w["linear2.weight"])[..., 0] + w["linear2.bias"]
    pred = (out >= 0.5).numpy()
    return (pred == (np.asarray(labels) == 1)[None, :]).mean(axis=1) * 100


def flatten(weights):
    return np.concatenate([np.asarray(weights[n], dtype=np.float32).reshape(-1) for n, _ in PARAM_SHAPES])


def reference_step(weights, points, labels, criterion, lr):
    """The weights after one plain SGD step of the tutorial's network (hidden
    check: the live reference network and loss, plain torch arithmetic)."""
    from toyopt_ref.losses import make_loss
    from toyopt_ref.model import Simple2DNetwork

    net = Simple2DNetwork(weight_init=None)
    with torch.no_grad():
        for name, param in net.named_parameters():
            param.copy_(torch.as_tensor(np.asarray(weights[name], dtype=np.float32)).reshape(param.shape))
    params = [dict(net.named_parameters())[n] for n, _ in PARAM_SHAPES]
    x = torch.as_tensor(points, dtype=torch.float32)
    y = torch.as_tensor(labels, dtype=torch.float32)
    grads = torch.autograd.grad(make_loss(criterion)(net(x).reshape(-1), y), params)
    with torch.no_grad():
        return {n: (p - lr * g).numpy() for (n, _), p, g in zip(PARAM_SHAPES, params, grads)}


def replay_ok(history, weights0, train_db, cfg, epochs_to_check):
    """Is each checked epoch one reference SGD step from the previous weights?

    One step from the same float32 weights differs from the reference only by
    rounding (~1e-7 relative); we allow rtol=1e-4, atol=1e-5.
    Returns the first epoch that is not, or None.
    """
    for epoch in epochs_to_check:
        before = flatten(weights0) if epoch == 0 else history[epoch - 1]
        w = {n: v[0].numpy() for n, v in unflatten(before[None, :]).items()}
        new = reference_step(w, train_db[0], train_db[1], cfg["criterion"], cfg["lr"])
        if not np.allclose(history[epoch], flatten(new), rtol=1e-4, atol=1e-5):
            return epoch
    return None


def network_convergence(target, key):
    cfg = CONVERGENCE[key]
    threshold = cfg["threshold"]
    epochs = cfg["epochs"]
    what = (f"training the 2-5-1 network with your epoch_loop on {cfg['dataset']} data "
            f"({cfg['train_points']} points, {cfg['criterion']} loss, SGD lr={cfg['lr']}, {epochs} epochs)")
    reached = []
    for seed in cfg["seeds"]:
        weights, train_db, test_db = network_setup(cfg, seed)
        out = target.probe("epoch_loop.train", weights=weights, points=train_db[0], labels=train_db[1],
                           criterion=cfg["criterion"], lr=cfg["lr"], epochs=epochs)
        history = np.asarray(out.get("weights"), dtype=np.float32)
        if history.shape != (epochs, 21):
            raise malformed("epoch_loop")
        if not np.all(np.isfinite(history)):
            first = int(np.argmin(np.all(np.isfinite(history), axis=1)))
            raise CheckFailure(f"epoch_loop: {what}: the weights became inf/nan at epoch {first + 1} "
                               f"of {epochs}")
        bad = replay_ok(history, weights, train_db, cfg, (0, epochs // 2, epochs - 1))
        if bad is not None:
            raise CheckFailure(f"epoch_loop: {what} (seed {seed}): epoch {bad + 1} of {epochs} did not "
                               "make one SGD step with this batch's gradients (compared with the "
                               f"reference)\nhint: {ACCUMULATION_HINT}")
        acc = accuracy_per_epoch(history, test_db)
        best = float(acc.max())
        reached.append(best)
        if best >= threshold:
            return
    raise CheckFailure(
        f"epoch_loop: {what}: best test accuracy {', '.join(f'{a:.1f} %' for a in reached)} on seeds "
        f"{', '.join(str(s) for s in cfg['seeds'])}; a correct epoch_loop reaches >= {threshold:g} % "
        "on at least one of them (calibrated on the reference)")


#: Convergence checks are hidden tests: in nbgrader they sit inside a hidden-tests
#: region, on Gradescope they show after the due date.
HIDDEN = "after_due_date"


@check("epoch_loop", "converges_linear", 3, "trains the network on linear data to a calibrated accuracy",
       visibility=HIDDEN, clause=CLAUSE_TRAIN, requires=("train_step",))
def check_converges_linear(target):
    network_convergence(target, "epoch_loop.linear")


@check("epoch_loop", "converges_circular", 4, "trains the network on circular data to a calibrated accuracy",
       visibility=HIDDEN, clause=CLAUSE_TRAIN, requires=("train_step",))
def check_converges_circular(target):
    network_convergence(target, "epoch_loop.circular")


# ---------------------------------------------------------------- angles
def angles_setup(cfg, seed):
    """Inputs x in [-1, 1], true line ``w* x + b*`` (|w*| in [1, 2], |b*| <
    0.5) so that the targets, wrapped into [0, 2 pi), jump across the fold."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, cfg["points"])
    w_true = rng.uniform(1, 2) * rng.choice([-1, 1])
    b_true = rng.uniform(-0.5, 0.5)
    return x, np.mod(w_true * x + b_true, 2 * math.pi), w_true, b_true


def angles_rmse(w, b, w_true, b_true):
    """Circular RMSE (rad) of the line (w, b) against the truth on a grid: the
    difference wrapped into [-pi, pi) (a hidden check may hold the answer)."""
    grid = np.linspace(-1, 1, 201)
    period = 2 * math.pi
    d = (w * grid + b) - (w_true * grid + b_true)
    return float(np.sqrt(np.mean((d - period * np.floor((d + period / 2) / period)) ** 2)))


def train_angles_reference(cfg, seed, loss):
    """Same training as the probe's, with `loss` (for calibration)."""
    x, t, w_true, b_true = angles_setup(cfg, seed)
    xs, ts = torch.tensor(x), torch.tensor(t)
    w = torch.zeros((), dtype=torch.float64, requires_grad=True)
    b = torch.zeros((), dtype=torch.float64, requires_grad=True)
    for _ in range(cfg["steps"]):
        gw, gb = torch.autograd.grad(loss(w * xs + b, ts), (w, b))
        with torch.no_grad():
            w -= cfg["lr"] * gw
            b -= cfg["lr"] * gb
    return angles_rmse(float(w.detach()), float(b.detach()), w_true, b_true)


@check("circular_mse", "learns_angles", 2, "a regressor trained with it learns angles across the wrap-around",
       visibility=HIDDEN, clause="differentiable with respect to both arguments (autograd)",
       requires=("values",))
def check_learns_angles(target):
    cfg = CONVERGENCE["circular_mse.angles"]
    reached = []
    for seed in cfg["seeds"]:
        x, t, w_true, b_true = angles_setup(cfg, seed)
        out = target.probe("circular_mse.train_angles", x=x, target=t, steps=cfg["steps"], lr=cfg["lr"])
        if not out.get("ok"):
            raise CheckFailure(f"circular_mse: training a regressor with your loss failed: {out.get('why')}")
        try:
            rmse = angles_rmse(float(out["w"]), float(out["b"]), w_true, b_true)
        except (KeyError, TypeError, ValueError):
            raise malformed("circular_mse") from None
        rmse = rmse if math.isfinite(rmse) else math.inf
        reached.append(rmse)
        if rmse < cfg["threshold"]:
            return
    raise CheckFailure(
        f"circular_mse: fitting angle = w * x + b by SGD (lr={cfg['lr']}, {cfg['steps']} steps, from w = b = 0) "
        f"to {cfg['points']} angles that wrap around 2 pi with your loss left a circular RMSE of "
        f"{', '.join(f'{r:.3g}' for r in reached)} rad on seeds {list(cfg['seeds'])}; the circular MSE "
        f"gets below {cfg['threshold']:g} rad (plain MSE, which ignores the wrap, stays above 1.5)")


# ---------------------------------------------------------------- spiral learnable
def spiral_split(points, labels, seed):
    """A fixed 75/25 split of the student's points (trusted permutation)."""
    perm = np.random.default_rng(seed).permutation(len(points))
    cut = (len(points) * 3) // 4
    return (points[perm[:cut]], labels[perm[:cut]]), (points[perm[cut:]], labels[perm[cut:]])


def spiral_init(cfg, seed):
    """Initial ``[W1, b1, W2, b2, W3, b3]`` of the 2-H-H-1 MLP for `seed`
    (U(-1/sqrt(fan_in), 1/sqrt(fan_in)), as nn.Linear)."""
    gen = torch.Generator().manual_seed(seed)
    h = cfg["hidden"]

    def layer(i, o):
        bound = 1 / math.sqrt(i)
        return [(torch.rand((o, i), generator=gen) * 2 - 1) * bound,
                (torch.rand((o,), generator=gen) * 2 - 1) * bound]

    return layer(2, h) + layer(h, h) + layer(h, 1)


def spiral_learnability(points, labels, cfg, seed):
    """Test accuracy (%) of a 2-H-H-1 ReLU MLP trained with Adam and
    BCEWithLogits on a split of (points, labels) (trusted code)."""
    (xtr, ytr), (xte, yte) = spiral_split(points, labels, seed)
    params = [p.requires_grad_() for p in spiral_init(cfg, seed)]

    def forward(x):
        x = torch.relu(x @ params[0].T + params[1])
        x = torch.relu(x @ params[2].T + params[3])
        return (x @ params[4].T + params[5]).reshape(-1)

    x = torch.as_tensor(xtr, dtype=torch.float32)
    y = torch.as_tensor(ytr, dtype=torch.float32)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        opt = torch.optim.Adam(params, lr=cfg["lr"])
        for _ in range(cfg["epochs"]):
            loss = torch.nn.functional.binary_cross_entropy_with_logits(forward(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            pred = (forward(torch.as_tensor(xte, dtype=torch.float32)) >= 0).numpy()
    finally:
        torch.set_num_threads(threads)
    return float(np.mean(pred == (yte == 1)) * 100)


@check("spiral_2d", "learnable", 3, "your spiral data is learnable by a bigger network",
       visibility=HIDDEN, clause="the point is ``(r * sin(t) + ex, r * cos(t) + ey)``",
       requires=("noise_box",))
def check_spiral_learnable(target):
    cfg = CONVERGENCE["spiral_2d.learnable"]
    n = cfg["num_points"]
    reached = []
    for seed in cfg["seeds"]:
        out = target.probe("spiral_2d.training_data", num_points=n, seed=seed)
        points = np.asarray(out.get("points"), dtype=np.float64)
        labels = np.asarray(out.get("labels"), dtype=np.float64)
        if points.shape != (n, 2) or labels.shape != (n,):
            raise CheckFailure(f"spiral_2d({n}): expected points of shape ({n}, 2) and labels of shape "
                               f"({n},), got {points.shape} and {labels.shape}")
        if not np.all(np.isfinite(points)) or not np.all(np.isin(labels, (0, 1))):
            raise CheckFailure(f"spiral_2d({n}): points must be finite and labels 0 or 1")
        if abs(labels.mean() - 0.5) > 1e-9:
            raise CheckFailure(f"spiral_2d({n}): expected as many label-0 as label-1 points, got "
                               f"{int((labels == 0).sum())} and {int((labels == 1).sum())}")
        acc = spiral_learnability(points, labels, cfg, seed)
        reached.append(acc)
        if acc >= cfg["threshold"]:
            return
    raise CheckFailure(
        f"spiral_2d({n}): a 2-{cfg['hidden']}-{cfg['hidden']}-1 network trained on 75 % of your points "
        f"(after np.random.seed(s), s in {list(cfg['seeds'])}) reached {', '.join(f'{a:.1f} %' for a in reached)} "
        f"test accuracy on the rest; on the tutorial's spiral it reaches >= {cfg['threshold']:g} %: "
        "check the spiral's radius, angle, class offset and noise")
