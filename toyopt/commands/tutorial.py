"""Run the tutorial end to end: datasets, splits, loss shapes, training, figures.

Writes PNG figures and ``summary.json`` under ``--out`` and prints the
tutorial's periodic train/test lines (library: `toyopt.tutorial.run_tutorial`).
"""

import sys

from toyopt.tutorial import DEFAULT_OUT, TutorialConfig, run_tutorial


def add_arguments(parser):
    from toyopt_ref.data import DATASET_NAMES
    from toyopt_ref.losses import LOSS_NAMES

    parser.add_argument("--dataset", action="append", choices=DATASET_NAMES,
                        help="dataset to train on (repeat for several; default: all four)")
    parser.add_argument("--loss", default=TutorialConfig.loss, choices=LOSS_NAMES,
                        help="criterion (default: %(default)s, as the tutorial)")
    parser.add_argument("--lr", type=float, default=TutorialConfig.lr,
                        help="SGD learning rate (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=TutorialConfig.epochs,
                        help="full-batch epochs (default: %(default)s)")
    parser.add_argument("--init", default=TutorialConfig.init, choices=("uniform", "xavier", "default"),
                        help="weight initialisation; 'default' keeps PyTorch's (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=TutorialConfig.seed,
                        help="NumPy and torch seed (default: %(default)s)")
    parser.add_argument("--points", type=int, default=TutorialConfig.num_points,
                        help="points per dataset (default: %(default)s)")
    parser.add_argument("--device", default=TutorialConfig.device,
                        help="cpu, cuda, cuda:N or auto (default: %(default)s)")
    parser.add_argument("--out", default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args):
    config = TutorialConfig(
        datasets=tuple(args.dataset) if args.dataset else TutorialConfig.datasets,
        loss=args.loss, lr=args.lr, epochs=args.epochs,
        init=None if args.init == "default" else args.init,
        seed=args.seed, num_points=args.points, device=args.device,
    )
    # a progress bar only on a terminal: in a file its redraws interleave with the lines
    result = run_tutorial(config, args.out, progress=not args.no_progress and sys.stderr.isatty())
    print(f"\nwrote {len(result.figures)} figures and summary.json to {result.out_dir}/")
    for name, summary in result.summary["runs"].items():
        print(f"  {name:14s} final test accuracy {summary['final_test_acc']:6.2f} %  "
              f"(best {summary['best_test_acc']:6.2f} %)")
    return 0
