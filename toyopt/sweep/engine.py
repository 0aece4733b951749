"""Run a sweep's grid with the batched engine and reduce it to rows and bands."""

import time
from dataclasses import dataclass, field

import numpy as np

from .config import SOLVED_ACC

#: CSV columns, in order (one row per run and epoch budget).
COLUMNS = (
    "dataset", "loss", "init", "lr", "epochs", "seed",
    "untrained_test_acc", "final_train_acc", "final_test_acc", "best_test_acc", "epoch_to_95",
)
#: Percentiles of the learning-curve bands.
BAND_PERCENTILES = (5, 50, 95)


@dataclass
class SweepResult:
    """Outcome of `run_sweep`.

    `columns` maps each name of `COLUMNS` to an array with one entry per row
    (`epoch_to_95` is NaN where the run never reached `SOLVED_ACC` within its
    budget). `bands` maps ``(dataset, loss, init, lr)`` to an array of shape
    ``(3, trained_epochs)``: the 5th, 50th and 95th percentile over seeds of
    the test accuracy after each epoch.
    """

    config: object
    columns: dict
    bands: dict = field(default_factory=dict)
    runs_trained: int = 0
    train_seconds: float = 0.0
    device: str = "cpu"

    @property
    def num_rows(self):
        return len(self.columns["seed"])

    def select(self, **where):
        """Boolean mask of the rows whose columns equal the given values."""
        mask = np.ones(self.num_rows, dtype=bool)
        for name, value in where.items():
            mask &= self.columns[name] == value
        return mask


def grid_specs(config):
    """The config's runs as ``RunSpec`` objects (each trained for the longest budget),
    in CSV order: dataset, loss, init ('default' is PyTorch's, ``None``), lr, seed."""
    from toyopt.engine.batched import RunSpec

    return [
        RunSpec(dataset, loss, None if init == "default" else init, float(lr), seed, config.trained_epochs)
        for dataset in config.datasets
        for loss in config.losses
        for init in config.inits
        for lr in config.lrs
        for seed in range(config.first_seed, config.first_seed + config.seeds)
    ]


def first_reaching(acc, threshold):
    """1-based epoch at which each row of `acc` (R, E) first reaches `threshold`, NaN if never."""
    hit = acc >= threshold
    first = hit.argmax(axis=1).astype(np.float64) + 1
    first[~hit.any(axis=1)] = np.nan
    return first


def run_sweep(config, progress=True):
    """Train the grid of `config` (validated here) and return a `SweepResult`."""
    config.validate()
    from tqdm.auto import tqdm

    from toyopt.engine.batched import train_runs
    from toyopt_ref.training import select_device

    device = select_device(config.device)
    specs = grid_specs(config)
    budgets = sorted(config.epochs)
    n_rows = len(specs) * len(budgets)
    dtypes = {"dataset": object, "loss": object, "init": object, "epochs": np.int64, "seed": np.int64}
    columns = {name: np.empty(n_rows, dtype=dtypes.get(name, np.float64)) for name in COLUMNS}
    result = SweepResult(config=config, columns=columns, device=device.type)

    bar = tqdm(total=len(specs), unit="run", desc="sweep", disable=not progress,
               smoothing=0.05, dynamic_ncols=True)
    start = time.perf_counter()
    try:
        for indices, log in train_runs(
                specs, num_points=config.num_points, test_fraction=config.test_fraction,
                device=device, progress=bar.update, record_losses=False):
            _reduce_group(result, specs, np.asarray(indices), log, budgets)
    finally:
        bar.close()
    result.train_seconds = time.perf_counter() - start
    result.runs_trained = len(specs)
    return result


def _reduce_group(result, specs, indices, log, budgets):
    """Fill the rows of one trained group and its configs' bands."""
    columns = result.columns
    test_acc, train_acc = log.test_acc, log.train_acc
    first95 = first_reaching(test_acc, SOLVED_ACC)
    runs = [specs[i] for i in indices]
    settings = {"dataset": [r.dataset for r in runs], "loss": [r.loss for r in runs],
                "init": ["default" if r.init is None else r.init for r in runs],
                "lr": [r.lr for r in runs], "seed": [r.seed for r in runs]}
    for j, budget in enumerate(budgets):
        rows = indices * len(budgets) + j
        for name, values in settings.items():
            columns[name][rows] = values
        columns["epochs"][rows] = budget
        columns["untrained_test_acc"][rows] = log.untrained_test_acc
        columns["final_train_acc"][rows] = train_acc[:, budget - 1]
        columns["final_test_acc"][rows] = test_acc[:, budget - 1]
        columns["best_test_acc"][rows] = test_acc[:, :budget].max(axis=1)
        columns["epoch_to_95"][rows] = np.where(first95 <= budget, first95, np.nan)
    # Bands per config: the group's rows sharing dataset, loss, init and lr.
    keys = {}
    for r, key in enumerate(zip(*(settings[name] for name in ("dataset", "loss", "init", "lr")))):
        keys.setdefault(key, []).append(r)
    for key, rows in keys.items():
        result.bands[key] = np.percentile(test_acc[rows], BAND_PERCENTILES, axis=0).astype(np.float32)
