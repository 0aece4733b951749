"""Benchmark: the tutorial's training loop against `toyopt_ref.train`, same data and seeds.

Usage (from the repository root)::

    PYTHONPATH=. python bench/bench_train.py [--epochs 300] [--repeats 5] [--quick]

For each (dataset, loss) it trains the same freshly seeded `Simple2DNetwork`
with plain SGD (lr 0.1) both ways, alternating the two `--repeats` times, and
reports the median ms/epoch of each, their ratio, and the aten operations
dispatched per epoch (counted with a `TorchDispatchMode` over one epoch: the
difference between runs of 3 and 2 epochs). "floor" is ops x the measured
per-op dispatch overhead of a trivial op, a rough lower bound for an
eager-mode loop with that many operations. Both loops run with one intra-op
thread (the tutorial with two threads is slower still on a small machine).

The script checks on every run that the four curves (train/test accuracy and
loss) are bit-identical (``np.array_equal``) and exits with status 1 if not.
Output is Markdown.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from collections import Counter

import numpy as np
import torch
from torch.utils._python_dispatch import TorchDispatchMode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tutorial_loop import tutorial_train

from toyopt.engine.lean import train
from toyopt_ref.data import make_datasets, train_test_split
from toyopt_ref.losses import CircularMSELoss, make_loss
from toyopt_ref.model import Simple2DNetwork

LOSSES = ("L1", "MSE", "SmoothL1", "Huber", "BCEWithLogits", "CircularMSE")
DATASETS = ("circular_data", "linear_data", "spiral_data")


class CountOps(TorchDispatchMode):
    """Counts every aten operation that reaches the dispatcher's Python mode."""

    def __init__(self):
        super().__init__()
        self.counts = Counter()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.counts[str(func.overloadpacket)] += 1
        return func(*args, **(kwargs or {}))


def criterion_for(name):
    return CircularMSELoss() if name == "CircularMSE" else make_loss(name)


def setup(dbs, dataset, loss, seed):
    np.random.seed(seed)
    train_db, test_db = train_test_split(dbs[dataset])
    torch.manual_seed(seed)
    model = Simple2DNetwork()
    optimiser = torch.optim.SGD(model.parameters(), lr=0.1)
    return model, optimiser, train_db, test_db, criterion_for(loss)


def run_tutorial(dbs, dataset, loss, seed, epochs):
    model, optimiser, train_db, test_db, criterion = setup(dbs, dataset, loss, seed)
    start = time.perf_counter()
    curves = tutorial_train(model, train_db, test_db, criterion, optimiser, epochs)
    elapsed = time.perf_counter() - start
    return [np.asarray(c) for c in curves], elapsed


def run_train(dbs, dataset, loss, seed, epochs):
    model, optimiser, train_db, test_db, criterion = setup(dbs, dataset, loss, seed)
    start = time.perf_counter()
    log = train(model, train_db, test_db, criterion, optimiser, epochs=epochs)
    elapsed = time.perf_counter() - start
    return [log.train_acc, log.train_loss, log.test_acc, log.test_loss], elapsed


def ops_per_epoch(runner, dbs, dataset, loss):
    counts = []
    for epochs in (2, 3):
        mode = CountOps()
        with mode:
            runner(dbs, dataset, loss, 0, epochs)
        counts.append(mode.counts)
    diff = counts[1].copy()
    diff.subtract(counts[0])
    return sum(diff.values()), +diff


def per_op_overhead_us(samples=20000):
    """Median cost of one trivial dispatched op (a view of a small tensor)."""
    x = torch.zeros(8)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(samples):
            x.view(-1)
        times.append((time.perf_counter() - start) / samples * 1e6)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true",
                        help="one dataset, 100 epochs, 3 repeats")
    parser.add_argument("--show-ops", action="store_true",
                        help="also list the per-epoch op counts by operation")
    args = parser.parse_args(argv)
    datasets = DATASETS
    if args.quick:
        datasets, args.epochs, args.repeats = ("circular_data",), 100, 3

    torch.set_num_threads(1)
    np.random.seed(args.seed)
    dbs = make_datasets(args.points)
    # Warm up (the first SGD imports torch._dynamo; first kernels allocate).
    run_tutorial(dbs, "linear_data", "MSE", 0, 20)
    run_train(dbs, "linear_data", "MSE", 0, 20)
    overhead = per_op_overhead_us()

    rows, failures, op_details = [], [], {}
    for dataset in datasets:
        for loss in LOSSES:
            seed = args.seed + 1
            t_tut, t_fast = [], []
            for _ in range(args.repeats):
                ref, elapsed = run_tutorial(dbs, dataset, loss, seed, args.epochs)
                t_tut.append(elapsed / args.epochs * 1e3)
                got, elapsed = run_train(dbs, dataset, loss, seed, args.epochs)
                t_fast.append(elapsed / args.epochs * 1e3)
                if not all(np.array_equal(a, b) for a, b in zip(ref, got)):
                    failures.append(f"{dataset}/{loss}")
            ops_tut, det_tut = ops_per_epoch(run_tutorial, dbs, dataset, loss)
            ops_fast, det_fast = ops_per_epoch(run_train, dbs, dataset, loss)
            op_details[(dataset, loss)] = (det_tut, det_fast)
            tut, fast = statistics.median(t_tut), statistics.median(t_fast)
            rows.append((dataset, loss, tut, fast, tut / fast, ops_tut, ops_fast,
                         ops_fast * overhead / 1e3))

    print(f"### `train` vs the tutorial loop ({args.points} points, 90/10 split, "
          f"SGD lr 0.1, {args.epochs} epochs, median of {args.repeats})\n")
    print(f"torch {torch.__version__}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, 1 intra-op thread; per-op dispatch overhead "
          f"{overhead:.2f} us (`view` of a small tensor)\n")
    print("| dataset | loss | tutorial ms/epoch | train ms/epoch | ratio "
          "| tutorial ops/epoch | train ops/epoch | train floor ms/epoch | curves |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    for dataset, loss, tut, fast, ratio, ops_tut, ops_fast, floor in rows:
        same = "differ" if f"{dataset}/{loss}" in failures else "identical"
        print(f"| {dataset} | {loss} | {tut:.3f} | {fast:.3f} | {ratio:.2f}x "
              f"| {ops_tut} | {ops_fast} | {floor:.3f} | {same} |")
    ratios = [r[4] for r in rows]
    print(f"\nratio: median {statistics.median(ratios):.2f}x, "
          f"min {min(ratios):.2f}x, max {max(ratios):.2f}x")
    if args.show_ops:
        for (dataset, loss), (det_tut, det_fast) in op_details.items():
            print(f"\n{dataset}/{loss}\n- tutorial: {dict(sorted(det_tut.items()))}"
                  f"\n- train: {dict(sorted(det_fast.items()))}")
    if failures:
        print(f"\nCURVES DIFFER: {', '.join(sorted(set(failures)))}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
