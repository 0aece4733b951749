"""Many independent 2-5-1 networks trained at once (the engine of `toyopt sweep`).

R runs are stacked along a batch dimension -- weights ``(R, 5, 2)``, ``(R, 5, 1)``,
``(R, 1, 5)``, ``(R, 1, 1)``, points ``(R, 2, N)`` -- and one epoch of all of them is
about twenty batched operations, with the gradients written out by hand (no autograd
graph; docs/performance.md has the measurements, against sequential runs and ``vmap``).

Semantics are those of `toyopt_ref.training.train`: full-batch SGD without
momentum; the train accuracy and loss of an epoch come from the prediction made
*before* that epoch's update, the test accuracy and loss from the prediction
just after it; predicted label = ``prediction >= 0.5`` whatever the loss. The
numbers agree with `train` to float32 rounding (the sums run in another
order); ``tests/toyopt/engine/test_batched.py`` checks that epoch by epoch.
A `RunSpec`'s data and initial weights are the tutorial's for its seed (`make_splits`,
`initial_parameters`), so any run can be replayed with the sequential `train`.
"""

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from toyopt_ref.data import DATASET_NAMES, make_datasets, train_test_split
from toyopt_ref.errors import InvalidInputError, check_choice, check_count
from toyopt_ref.model import WEIGHT_INITS, Simple2DNetwork
from toyopt_ref.training import TrainLog

#: Losses the batched engine implements (BCE needs probabilities, which the
#: tutorial's network does not output: it fails at the first epoch).
BATCHED_LOSSES = ("L1", "MSE", "SmoothL1", "Huber", "BCEWithLogits")

#: Huber's delta, as `toyopt_ref.losses.make_loss('Huber')`; SmoothL1 has beta 1.
HUBER_DELTA = 0.6

#: Runs per chunk on CPU: the hidden activations of a chunk (R x 5 x 900
#: floats, 1.8 MB at 100) stay in a core's cache; measured best at 50-200.
CPU_CHUNK = 100
#: Runs per chunk on CUDA (one launch covers the whole chunk).
CUDA_CHUNK = 4096


@dataclass(frozen=True)
class RunSpec:
    """One training run: data of `dataset` split with `seed`, weights of `init`
    drawn with `seed`, `epochs` full-batch SGD steps at `lr` on `loss`."""

    dataset: str
    loss: str
    init: object  # 'uniform', 'xavier' or None (PyTorch's default)
    lr: float
    seed: int
    epochs: int

    def validate(self):
        check_choice("dataset", self.dataset, DATASET_NAMES)
        check_choice("loss", self.loss, BATCHED_LOSSES)
        check_choice("init", self.init, WEIGHT_INITS)
        check_lr(self.lr)
        check_count("seed", self.seed)
        if check_count("epochs", self.epochs) < 1:
            raise InvalidInputError("epochs must be at least 1")
        return self


def check_lr(lr):
    """Raise unless `lr` is a positive finite number; return it as a float."""
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not math.isfinite(lr) or lr <= 0:
        raise InvalidInputError(f"lr must be a positive finite number, got {lr!r}")
    return float(lr)


def make_splits(seed, num_points=1000, test_fraction=0.1):
    """``{dataset: (train_db, test_db)}`` for one seed, as the tutorial builds them
    (NumPy's global state is restored afterwards)."""
    state = np.random.get_state()
    try:
        np.random.seed(seed)
        dbs = make_datasets(num_points)
        return {name: train_test_split(db, test_fraction) for name, db in dbs.items()}
    finally:
        np.random.set_state(state)


def initial_parameters(seed, init):
    """``(W1, b1, W2, b2)`` of ``Simple2DNetwork(init)`` built right after
    ``torch.manual_seed(seed)`` (torch's global CPU state is restored)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        net = Simple2DNetwork(weight_init=init)
    return tuple(p.detach().clone() for p in (
        net.linear1.weight, net.linear1.bias, net.linear2.weight, net.linear2.bias))


@dataclass
class BatchedLog:
    """Curves of R runs, row r for run r: arrays of shape ``(R, epochs)``.

    Correct-prediction counts are kept as integers (accuracy = count / n *
    100, the arithmetic of `train`); losses are float32 as computed.
    """

    n_train: int
    n_test: int
    train_correct: np.ndarray
    test_correct: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    untrained_test_correct: np.ndarray  # (R,): before any update

    @property
    def train_acc(self):
        return self.train_correct / self.n_train * 100

    @property
    def test_acc(self):
        return self.test_correct / self.n_test * 100

    @property
    def untrained_test_acc(self):
        return self.untrained_test_correct / self.n_test * 100

    def run_log(self, index):
        """Run `index` as a `toyopt_ref.training.TrainLog`."""
        return TrainLog(train_acc=self.train_acc[index], train_loss=self.train_loss[index].astype(np.float64),
                        test_acc=self.test_acc[index], test_loss=self.test_loss[index].astype(np.float64))


#: Per-element loss of the predictions `p` against the labels `y`, both ``(R, 1, N)``.
_ELEMENT_LOSS = {
    "L1": lambda p, y: (p - y).abs(),
    "MSE": lambda p, y: (p - y) * (p - y),
    "SmoothL1": lambda p, y: F.smooth_l1_loss(p, y, reduction="none", beta=1.0),
    "Huber": lambda p, y: F.huber_loss(p, y, reduction="none", delta=HUBER_DELTA),
    "BCEWithLogits": lambda p, y: F.binary_cross_entropy_with_logits(p, y, reduction="none"),
}
#: The gradient of the mean loss over `n` points w.r.t. `p`, PyTorch's backward formulas,
#: from ``d = p - y`` (``sigmoid(p) - y`` for BCEWithLogits), which it overwrites.
_LOSS_GRAD = {
    "L1": lambda d, n: torch.sign(d).mul_(1.0 / n),
    "MSE": lambda d, n: d.mul_(2.0 / n),
    "SmoothL1": lambda d, n: d.clamp_(-1.0, 1.0).mul_(1.0 / n),
    "Huber": lambda d, n: d.clamp_(-HUBER_DELTA, HUBER_DELTA).mul_(1.0 / n),
    "BCEWithLogits": lambda d, n: d.mul_(1.0 / n),
}


def _train_chunk(loss, params, x_tr, y_tr, x_te, y_te, lr, epochs, record_losses=True):
    """The epoch loop for one chunk; all tensors already on one device.

    params: W1 (R,5,2), b1 (R,5,1), W2 (R,1,5), b2 (R,1,1), updated in place;
    x_* (R,2,N) float32, y_* (R,1,N) float32, lr (R,1,1). Returns device
    tensors: counts (E,2,R) int32, losses (E,2,R) float32 (NaN unless
    `record_losses`), untrained (R,).

    Layer 1 keeps weight and bias as one ``(R, 5, 3)`` matrix against points
    with a row of ones, so its forward is one `bmm` and its gradient
    ``sum_n dL/dh[k,n] * x[i,n]`` one `bmm` too. With ``dL/dh[k,n] =
    W2[k] * g[n] * relu'(h[k,n])`` the factor ``W2[k]`` is pulled out of the
    sum: ``W2[k] * (relu' @ (g * x)^T)[k, i]``, so no ``(R, 5, N)`` gradient
    tensor is ever built (the sums differ from autograd's only in rounding).
    """
    W1, b1, W2, b2 = params
    R, n_tr = W1.shape[0], x_tr.shape[-1]
    P1 = torch.cat([W1, b1], dim=2)  # (R,5,3)

    def with_ones(x):
        return torch.cat([x, torch.ones_like(x[:, :1])], dim=1)  # (R,3,N)

    x_tr, x_te = with_ones(x_tr), with_ones(x_te)
    lab_tr, lab_te = y_tr >= 0.5, y_te >= 0.5
    counts = torch.empty((epochs, 2, R), dtype=torch.int32, device=W1.device)
    losses = torch.full((epochs, 2, R) if record_losses else (1, 2, R), math.nan,
                        dtype=torch.float32, device=W1.device)

    def predict(x):
        hidden = torch.bmm(P1, x).clamp_min_(0)
        return hidden, torch.baddbmm(b2, W2, hidden)

    def correct(p, lab):
        return torch.eq(p >= 0.5, lab).sum((1, 2), dtype=torch.int32)

    def mean_loss(p, y):
        return _ELEMENT_LOSS[loss](p, y).mean((1, 2))

    untrained = correct(predict(x_te)[1], lab_te)
    for epoch in range(epochs):
        hidden, p = predict(x_tr)
        counts[epoch, 0] = correct(p, lab_tr)
        if record_losses:
            losses[epoch, 0] = mean_loss(p, y_tr)
        g = _LOSS_GRAD[loss](torch.sigmoid(p) - y_tr if loss == "BCEWithLogits" else p - y_tr, n_tr)
        gW2 = torch.bmm(g, hidden.transpose(1, 2))  # (R,1,5)
        gb2 = g.sum(2, keepdim=True)
        # relu'(h) = [h > 0] = sign(relu(h)); gradient of [W1 | b1]:
        gP1 = torch.bmm(torch.sign(hidden), (g * x_tr).transpose(1, 2))  # (R,5,3)
        gP1.mul_(W2.transpose(1, 2))
        # SGD: p <- p - lr * grad, as torch.optim.SGD without momentum.
        P1.sub_(lr * gP1)
        W2.sub_(lr * gW2)
        b2.sub_(lr * gb2)

        p = predict(x_te)[1]
        counts[epoch, 1] = correct(p, lab_te)
        if record_losses:
            losses[epoch, 1] = mean_loss(p, y_te)
    if not record_losses:
        losses = losses.expand(epochs, 2, R)
    return counts, losses, untrained


def _stack(arrays, device):
    return torch.as_tensor(np.stack(arrays), dtype=torch.float32).to(device)


def train_batched(loss, init_params, train_dbs, test_dbs, lrs, epochs, device=None,
                  chunk_size=None, workers=None, progress=None, record_losses=True):
    """Train R networks that share `loss` and `epochs`; return a `BatchedLog`.

    `init_params`: R tuples ``(W1, b1, W2, b2)`` shaped as the network's
    parameters (see `initial_parameters`); `train_dbs`, `test_dbs`: R
    ``(points, labels)`` pairs, all train sets of one size and all test sets
    of one size; `lrs`: R learning rates. Runs are split into chunks of
    `chunk_size` (default `CPU_CHUNK` / `CUDA_CHUNK`, made smaller when that
    leaves a worker idle); on CPU, `workers` threads (default: torch's thread
    count) each train one chunk at a time with one intra-op thread. `progress(n)` is called as n more runs finish.
    ``record_losses=False`` skips the loss values (NaN in the log; the
    gradients are the same), which saves a few operations an epoch.
    """
    check_choice("loss", loss, BATCHED_LOSSES)
    if check_count("epochs", epochs) < 1:
        raise InvalidInputError("epochs must be at least 1")
    R = len(init_params)
    if not (len(train_dbs) == len(test_dbs) == len(lrs) == R) or R == 0:
        raise InvalidInputError(
            f"need one init, train set, test set and lr per run, got {len(init_params)}, "
            f"{len(train_dbs)}, {len(test_dbs)}, {len(lrs)}")
    n_tr = {len(db[1]) for db in train_dbs}
    n_te = {len(db[1]) for db in test_dbs}
    if len(n_tr) != 1 or len(n_te) != 1 or 0 in n_tr or 0 in n_te:
        raise InvalidInputError(
            f"batched runs need non-empty train sets of one size and test sets of one size, "
            f"got sizes {sorted(n_tr)} and {sorted(n_te)}")
    n_tr, n_te = n_tr.pop(), n_te.pop()
    lrs = [check_lr(lr) for lr in lrs]
    device = torch.device("cpu" if device is None else device)
    if chunk_size is None:
        chunk_size = CUDA_CHUNK if device.type == "cuda" else CPU_CHUNK
    chunk_size = max(1, check_count("chunk_size", chunk_size))

    log = BatchedLog(
        n_train=n_tr, n_test=n_te,
        train_correct=np.empty((R, epochs), dtype=np.int32),
        test_correct=np.empty((R, epochs), dtype=np.int32),
        train_loss=np.empty((R, epochs), dtype=np.float32),
        test_loss=np.empty((R, epochs), dtype=np.float32),
        untrained_test_correct=np.empty((R,), dtype=np.int32),
    )

    def run_chunk(start):
        stop = min(start + chunk_size, R)
        idx = range(start, stop)
        params = [
            torch.stack([init_params[i][k].reshape(shape) for i in idx]).to(device, torch.float32)
            for k, shape in enumerate(((5, 2), (5, 1), (1, 5), (1, 1)))
        ]
        x_tr = _stack([train_dbs[i][0].T for i in idx], device)
        y_tr = _stack([train_dbs[i][1][None] for i in idx], device)
        x_te = _stack([test_dbs[i][0].T for i in idx], device)
        y_te = _stack([test_dbs[i][1][None] for i in idx], device)
        lr = torch.tensor([lrs[i] for i in idx], dtype=torch.float32, device=device).reshape(-1, 1, 1)
        with torch.no_grad():
            counts, losses, untrained = _train_chunk(loss, params, x_tr, y_tr, x_te, y_te, lr, epochs,
                                                     record_losses)
        counts = counts.cpu().numpy()
        losses = losses.cpu().numpy()
        log.train_correct[start:stop] = counts[:, 0].T
        log.test_correct[start:stop] = counts[:, 1].T
        log.train_loss[start:stop] = losses[:, 0].T
        log.test_loss[start:stop] = losses[:, 1].T
        log.untrained_test_correct[start:stop] = untrained.cpu().numpy()
        if progress is not None:
            progress(stop - start)

    threads = torch.get_num_threads()
    workers = 1 if device.type != "cpu" else threads if workers is None else max(1, int(workers))
    # Enough chunks to keep every worker busy (100 runs on 2 threads: 2 x 50).
    chunk_size = min(chunk_size, -(-R // workers))
    # Tiny matrices on CPU: one intra-op thread per chunk, chunks side by side in
    # Python threads (the kernels release the GIL).
    if device.type == "cpu":
        torch.set_num_threads(1)
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(run_chunk, range(0, R, chunk_size)))
    finally:
        torch.set_num_threads(threads)
    return log


def train_runs(specs, num_points=1000, test_fraction=0.1, device=None, chunk_size=None,
               workers=None, progress=None, record_losses=True):
    """Train every `RunSpec` of `specs`: an iterator of ``(indices, BatchedLog)``, one per group.

    Runs sharing a loss, an epoch count and data sizes are trained together
    (datasets, inits, learning rates and seeds mix freely in a batch);
    ``indices[r]`` is the position in `specs` of row r of that group's log.
    The specs are checked at once; each group trains when the iterator reaches it,
    so that a caller can reduce a group before the next one is trained (the
    curves of 10,000 runs of 1000 epochs take ~160 MB).
    """
    specs = [spec.validate() for spec in specs]
    if not specs:
        raise InvalidInputError("no runs to train")
    splits = {seed: make_splits(seed, num_points, test_fraction) for seed in {s.seed for s in specs}}
    inits = {key: initial_parameters(*key) for key in {(s.seed, s.init) for s in specs}}
    groups = {}
    for index, spec in enumerate(specs):
        train_db, test_db = splits[spec.seed][spec.dataset]
        groups.setdefault((spec.loss, spec.epochs, len(train_db[1]), len(test_db[1])), []).append(index)

    def train_group(loss, epochs, indices):
        runs = [specs[i] for i in indices]
        return indices, train_batched(
            loss, [inits[r.seed, r.init] for r in runs], [splits[r.seed][r.dataset][0] for r in runs],
            [splits[r.seed][r.dataset][1] for r in runs], [r.lr for r in runs], epochs, device=device,
            chunk_size=chunk_size, workers=workers, progress=progress, record_losses=record_losses)

    return (train_group(loss, epochs, indices) for (loss, epochs, _, _), indices in groups.items())
