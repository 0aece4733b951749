"""Train a grid of runs (datasets x losses x inits x learning rates x epochs x seeds) at once.

Writes ``runs.csv``, heatmaps, curve bands and ``summary.md`` under ``--out``
(library: `toyopt.sweep.engine.run_sweep` and `toyopt.sweep.output.write_outputs`). The
default grid (12,000 runs of 1000 epochs) takes a few minutes on two cores.
"""

from pathlib import Path

from toyopt.sweep.config import (
    DEFAULT_EPOCHS,
    DEFAULT_LRS,
    DEFAULT_OUT,
    DEFAULT_SEEDS,
    INITS,
    LOSSES,
    SweepConfig,
    parse_list,
)
from toyopt.sweep.engine import run_sweep
from toyopt.sweep.output import write_outputs
from toyopt_check.inside.errors import ConfigurationError
from toyopt_ref.data import DATASET_NAMES


def _joined(values):
    return ",".join(f"{v:g}" if isinstance(v, float) else str(v) for v in values)


#: each option's default as typed: the help shows it and `_command_line` leaves it out
DEFAULTS = {"datasets": _joined(DATASET_NAMES), "losses": _joined(LOSSES), "inits": _joined(INITS),
            "lrs": _joined(DEFAULT_LRS), "epochs": _joined(DEFAULT_EPOCHS),
            "seeds": str(DEFAULT_SEEDS), "first_seed": "0", "device": "cpu"}


def add_arguments(parser):
    parser.add_argument("--datasets", default=DEFAULTS["datasets"], metavar="LIST",
                        help="comma-separated datasets (default: %(default)s)")
    parser.add_argument("--losses", default=DEFAULTS["losses"], metavar="LIST",
                        help="comma-separated losses (default: %(default)s)")
    parser.add_argument("--inits", default=DEFAULTS["inits"], metavar="LIST",
                        help="comma-separated weight inits; 'default' is PyTorch's (default: %(default)s)")
    parser.add_argument("--lrs", default=DEFAULTS["lrs"], metavar="LIST",
                        help="comma-separated SGD learning rates (default: %(default)s)")
    parser.add_argument("--epochs", default=DEFAULTS["epochs"], metavar="LIST",
                        help="comma-separated epoch budgets; runs train for the largest and the "
                        "others are read off their first epochs (default: %(default)s)")
    parser.add_argument("--seeds", default=DEFAULTS["seeds"], metavar="N",
                        help="seeds per cell: 0..N-1 (default: %(default)s)")
    parser.add_argument("--first-seed", default=DEFAULTS["first_seed"], metavar="S",
                        help="first seed (default: %(default)s)")
    parser.add_argument("--device", default=DEFAULTS["device"], help="cpu, cuda, cuda:N or auto (default: %(default)s)")
    parser.add_argument("--out", default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def _integer(option, text):
    try:
        return int(text)
    except ValueError as exc:
        raise ConfigurationError(f"{option}: {text!r} is not an integer") from exc


def run(args):
    config = SweepConfig(
        datasets=parse_list("--datasets", args.datasets),
        losses=parse_list("--losses", args.losses),
        inits=parse_list("--inits", args.inits),
        lrs=parse_list("--lrs", args.lrs, float),
        epochs=parse_list("--epochs", args.epochs, int),
        seeds=_integer("--seeds", args.seeds),
        first_seed=_integer("--first-seed", args.first_seed),
        device=args.device,
    ).validate()
    from toyopt_ref.training import select_device

    select_device(config.device)  # a clear error before any work
    print(f"toyopt sweep: {config.num_trained_runs:,} runs of {config.trained_epochs} epochs "
          f"({config.num_rows:,} CSV rows) on {config.device}")
    result = run_sweep(config, progress=not args.no_progress)
    paths = write_outputs(result, args.out, command=_command_line(args))
    print(f"trained {result.runs_trained:,} runs in {result.train_seconds:.1f} s; "
          f"wrote {len(paths)} files to {Path(args.out)}/")
    for path in paths:
        print(f"  {path.name}")
    return 0


def _command_line(args):
    changed = [f"--{name.replace('_', '-')} {getattr(args, name)}" for name, default in DEFAULTS.items()
               if getattr(args, name) != default]
    return " ".join(["toyopt sweep", *changed, f"--out {args.out}"])
