"""What a sweep trains: the grid, its defaults and their validation."""

import math
from dataclasses import dataclass

from toyopt_check.inside.errors import ConfigurationError
from toyopt_ref.data import DATASET_NAMES

DEFAULT_OUT = "toyopt-sweep"

#: Losses of the sweep: the tutorial's set without BCE, which needs
#: probabilities and fails on the network's raw outputs.
LOSSES = ("L1", "MSE", "SmoothL1", "Huber", "BCEWithLogits")
#: Weight initialisations by CSV name; 'default' is PyTorch's own (``None``).
INITS = ("uniform", "xavier", "default")

#: The default grid: 4 datasets x 5 losses x 3 inits x 2 learning rates x 100
#: seeds = 12,000 trained runs of 1000 epochs. The 100- and 300-epoch rows
#: are the first epochs of those runs (constant-lr SGD has no schedule), so
#: the CSV holds 36,000 rows.
DEFAULT_LRS = (0.1, 0.01)
DEFAULT_EPOCHS = (100, 300, 1000)
DEFAULT_SEEDS = 100

#: Test accuracy (percent) that counts as "solved" for `epoch_to_95`.
SOLVED_ACC = 95.0


@dataclass(frozen=True)
class SweepConfig:
    """A grid of runs: every combination of the tuples, for seeds
    ``first_seed .. first_seed + seeds - 1``."""

    datasets: tuple = DATASET_NAMES
    losses: tuple = LOSSES
    inits: tuple = INITS
    lrs: tuple = DEFAULT_LRS
    epochs: tuple = DEFAULT_EPOCHS
    seeds: int = DEFAULT_SEEDS
    first_seed: int = 0
    num_points: int = 1000
    test_fraction: float = 0.1
    device: str = "cpu"

    @property
    def trained_epochs(self):
        """Every run trains this long; shorter budgets are its prefixes."""
        return max(self.epochs)

    @property
    def num_trained_runs(self):
        return (len(self.datasets) * len(self.losses) * len(self.inits) * len(self.lrs)
                * self.seeds)

    @property
    def num_rows(self):
        return self.num_trained_runs * len(self.epochs)

    def validate(self):
        """Raise `ConfigurationError` naming the first bad setting; return self."""
        _check_names("--datasets", "dataset", self.datasets, DATASET_NAMES)
        _check_names("--losses", "loss", self.losses, LOSSES)
        _check_names("--inits", "init", self.inits, INITS)
        if not self.lrs:
            raise ConfigurationError("--lrs: give at least one learning rate")
        for lr in self.lrs:
            if isinstance(lr, bool) or not isinstance(lr, (int, float)) \
                    or not math.isfinite(lr) or lr <= 0:
                raise ConfigurationError(f"--lrs: learning rate must be a positive finite number, got {lr!r}")
        if not self.epochs:
            raise ConfigurationError("--epochs: give at least one epoch count")
        for epochs in self.epochs:
            if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
                raise ConfigurationError(f"--epochs: epoch counts must be integers >= 1, got {epochs!r}")
        _check_int("--seeds", self.seeds, minimum=1)
        _check_int("--first-seed", self.first_seed, minimum=0)
        if self.first_seed + self.seeds > 2 ** 32:
            raise ConfigurationError("--first-seed + --seeds must stay below 2**32 (NumPy's seed range)")
        _check_int("--points", self.num_points, minimum=20)
        return self


def _check_names(option, what, values, allowed):
    if not values:
        raise ConfigurationError(f"{option}: choose at least one {what}")
    for value in values:
        if value not in allowed:
            raise ConfigurationError(
                f"{option}: unknown {what} {value!r}; choose from {', '.join(allowed)}")
    if len(set(values)) != len(values):
        raise ConfigurationError(f"{option}: {what} listed twice in {','.join(values)}")


def _check_int(option, value, minimum):
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigurationError(f"{option} must be an integer >= {minimum}, got {value!r}")


def parse_list(option, text, convert=str):
    """Split a comma-separated option value, converting each item.

    ``parse_list('--lrs', '0.1,0.01', float) -> (0.1, 0.01)``; a bad item
    raises `ConfigurationError` naming the option and the item.
    """
    items = [item.strip() for item in text.split(",")]
    if not text.strip() or any(not item for item in items):
        raise ConfigurationError(f"{option}: expected a comma-separated list, got {text!r}")
    values = []
    for item in items:
        try:
            values.append(convert(item))
        except ValueError as exc:
            kind = {float: "a number", int: "an integer"}.get(convert, "valid")
            raise ConfigurationError(f"{option}: {item!r} is not {kind}") from exc
    if len(set(values)) != len(values):
        raise ConfigurationError(f"{option}: a value is listed twice in {text!r}")
    return tuple(values)
