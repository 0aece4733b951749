"""`toyopt tutorial`'s library: `run_tutorial`, deterministic for a given seed on CPU
(NumPy and torch are both seeded).
"""

from dataclasses import dataclass, field
from pathlib import Path

from toyopt_check.files import write_json_atomic
from toyopt_ref.data import DATASET_NAMES

DEFAULT_OUT = "toyopt-out"


@dataclass(frozen=True)
class TutorialConfig:
    """What `run_tutorial` trains; defaults are the tutorial's own settings."""

    datasets: tuple = DATASET_NAMES
    loss: str = "L1"
    lr: float = 0.1
    epochs: int = 1000
    init: str = "uniform"
    seed: int = 0
    num_points: int = 1000
    test_fraction: float = 0.1
    device: str = "auto"
    print_every: int = 0  # 0: ten lines per run, as the tutorial prints


@dataclass
class TutorialResult:
    out_dir: Path
    figures: list = field(default_factory=list)
    summary: dict = field(default_factory=dict)


def validate(config):
    """Raise `InvalidInputError` naming the first bad setting of `config`."""
    from toyopt.engine.batched import check_lr
    from toyopt_ref.errors import InvalidInputError, check_choice, check_count
    from toyopt_ref.losses import LOSS_NAMES
    from toyopt_ref.model import WEIGHT_INITS

    if not config.datasets:
        raise InvalidInputError("choose at least one dataset")
    for name in config.datasets:
        check_choice("dataset", name, DATASET_NAMES)
    check_choice("loss", config.loss, LOSS_NAMES)
    check_choice("init", config.init, WEIGHT_INITS)
    if check_count("epochs", config.epochs) < 1:
        raise InvalidInputError("epochs must be at least 1")
    check_lr(config.lr)
    if check_count("num_points", config.num_points) < 20:
        raise InvalidInputError("num_points must be at least 20 (the test split needs points)")
    check_count("seed", config.seed)


def run_tutorial(config, out_dir, progress=True, echo=print):
    """Run the pipeline of `config`, write figures and ``summary.json`` into
    `out_dir` (created if needed) and return a `TutorialResult`."""
    validate(config)
    import numpy as np
    import torch
    from tqdm.auto import tqdm

    from toyopt.engine import lean
    from toyopt_ref import data, losses, plotting, training
    from toyopt_ref import model as model_mod
    from toyopt_ref.errors import InvalidInputError

    device = training.select_device(config.device)
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInputError(f"cannot create the output folder {out_dir}: {exc.strerror}") from exc
    result = TutorialResult(out_dir=out_dir)

    def save(fig, name):
        path = out_dir / name
        fig.savefig(path, dpi=80)
        result.figures.append(path)

    np.random.seed(config.seed)
    torch.manual_seed(config.seed)
    dbs = data.make_datasets(config.num_points)
    splits = {name: data.train_test_split(db, config.test_fraction) for name, db in dbs.items()}
    save(plotting.plot_datasets(dbs, "all points"), "datasets.png")
    save(plotting.plot_datasets({k: v[0] for k, v in splits.items()}, "train sets"), "train_sets.png")
    save(plotting.plot_datasets({k: v[1] for k, v in splits.items()}, "test sets"), "test_sets.png")
    shapes = {name: losses.make_loss(name, reduction="none") for name in ("L1", "MSE", "SmoothL1", "Huber", "BCE")}
    save(plotting.plot_loss_shapes(shapes), "loss_shapes.png")

    runs = {}
    every = config.print_every or max(1, config.epochs // 10)
    for name in config.datasets:
        train_db, test_db = splits[name]
        net = model_mod.Simple2DNetwork(weight_init=config.init).to(device)
        echo(f"== {name}: loss {config.loss}, lr {config.lr:g}, init {config.init}, "
             f"{config.epochs} epochs on {device.type}")
        bar = tqdm(total=config.epochs, desc=name, unit="epoch", disable=not progress, leave=False)

        def report(epoch, tr_acc, tr_loss, te_acc, te_loss, bar=bar):
            bar.update(1)
            if epoch % every == 0 or epoch == config.epochs - 1:
                (bar.write if progress else echo)(f"[{epoch:04d}] train loss={tr_loss:.4f} acc={tr_acc:6.2f}   "
                                                  f"test loss={te_loss:.4f} acc={te_acc:6.2f}")

        log = lean.train(net, train_db, test_db, losses.make_loss(config.loss), lr=config.lr, epochs=config.epochs,
                         device=device, callback=report)
        bar.close()
        runs[name] = log.summary()
        save(plotting.plot_learning_curves(log, f"{name} ({config.loss})"), f"curves_{name}.png")
        save(plotting.plot_decision_boundary(net.cpu(), test_db, f"{name}: test points"),
             f"boundary_{name}.png")

    result.summary = {
        # what ran: print_every as used (0 asks for ten lines a run)
        "config": {**{k: (list(v) if isinstance(v, tuple) else v) for k, v in vars(config).items()},
                   "print_every": every},
        "device": device.type,
        "runs": runs,
        "figures": [p.name for p in result.figures],
    }
    write_json_atomic(out_dir / "summary.json", result.summary)
    return result
