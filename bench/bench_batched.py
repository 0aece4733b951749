"""Batched training of many runs vs the same runs one at a time with `train`.

    PYTHONPATH=. python bench/bench_batched.py [--runs 100] [--sequential 10] [--repeats 3]

Per repeat, in one process and interleaved (so that machine load hits both
alike): `--sequential` runs of `toyopt_ref.training.train` one after another,
then `--runs` runs in one `train_batched` call (every run: circular_data, MSE,
uniform init, lr 0.1, 1000 epochs, its own seed's data and init). Prints the
median wall time per run of each, their ratio, the same for CPU time, and the
floor: the batch's matmul FLOPs per epoch against this machine's measured
single-thread float32 matmul rate. Also times ``torch.func.vmap`` over
``functional_call`` with autograd (the other way to batch) on the same runs,
for `--vmap-epochs` epochs scaled to `--epochs` (it is far slower).
"""

import argparse
import os
import statistics
import time

import numpy as np
import torch

from toyopt.engine.batched import initial_parameters, make_splits, train_batched
from toyopt.engine.lean import train
from toyopt_ref.losses import make_loss
from toyopt_ref.model import Simple2DNetwork

DATASET, LOSS, INIT, LR = "circular_data", "MSE", "uniform", 0.1


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def sequential_runs(seeds, epochs):
    for seed in seeds:
        torch.manual_seed(seed)
        net = Simple2DNetwork(INIT)
        train_db, test_db = make_splits(seed)[DATASET]
        train(net, train_db, test_db, make_loss(LOSS), lr=LR, epochs=epochs)


def batched_inputs(seeds):
    splits = [make_splits(s)[DATASET] for s in seeds]
    return ([initial_parameters(s, INIT) for s in seeds], [s[0] for s in splits],
            [s[1] for s in splits], [LR] * len(seeds))


def vmap_runs(inputs, epochs):
    """The same runs with torch.func: vmap(grad) over stacked parameters."""
    from torch.func import functional_call, grad_and_value, vmap

    inits, train_dbs, test_dbs, lrs = inputs
    net = Simple2DNetwork(INIT)
    names = [n for n, _ in net.named_parameters()]
    params = {n: torch.stack([p[k] for p in inits]) for k, n in enumerate(names)}
    x = torch.as_tensor(np.stack([db[0] for db in train_dbs]), dtype=torch.float32)
    y = torch.as_tensor(np.stack([db[1] for db in train_dbs]), dtype=torch.float32)
    xt = torch.as_tensor(np.stack([db[0] for db in test_dbs]), dtype=torch.float32)
    yt = torch.as_tensor(np.stack([db[1] for db in test_dbs]), dtype=torch.float32)
    criterion = make_loss(LOSS)

    def loss_fn(p, xb, yb):
        pred = functional_call(net, p, (xb,)).reshape(-1)
        return criterion(pred, yb), pred

    step = vmap(grad_and_value(loss_fn, has_aux=True))
    evaluate = vmap(loss_fn)
    for _ in range(epochs):
        grads, (loss, pred) = step(params, x, y)
        _ = ((pred >= 0.5) == (y >= 0.5)).sum(1)
        params = {n: params[n] - LR * grads[n] for n in names}
        with torch.no_grad():
            tl, tp = evaluate(params, xt, yt)
            _ = ((tp >= 0.5) == (yt >= 0.5)).sum(1)


def matmul_rate(size=1024, repeats=20):
    """Single-thread float32 matmul rate of this machine in FLOP/s (best of repeats)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        a, b = torch.randn(size, size), torch.randn(size, size)
        a @ b
        best = min(timed(lambda: a @ b)[0] for _ in range(repeats))
    finally:
        torch.set_num_threads(threads)
    return 2 * size ** 3 / best


def flops_per_run_epoch(n_train, n_test):
    """Matmul FLOPs of one run and epoch in the batched engine.

    Forward on the train set: [W1|b1] (5x3) @ (3xN) and W2 (1x5) @ (5xN);
    backward: g (1xN) @ h^T (Nx5) and relu' (5xN) @ (g*x)^T (Nx3); forward on
    the test set: the two forward products again. 2 FLOPs per multiply-add.
    """
    return 2 * n_train * (15 + 5 + 5 + 15) + 2 * n_test * (15 + 5)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=100, help="runs in the batch (default: %(default)s)")
    parser.add_argument("--sequential", type=int, default=10,
                        help="sequential runs timed per repeat (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--vmap-runs", type=int, default=100, help="0 skips the vmap variant")
    parser.add_argument("--vmap-epochs", type=int, default=50,
                        help="epochs timed for vmap, scaled to --epochs (it is slow; default: %(default)s)")
    args = parser.parse_args(argv)

    seeds = list(range(args.runs))
    inputs = batched_inputs(seeds)
    sequential_runs([0], 5)  # warm-up: the first SGD optimiser imports torch._dynamo (~2 s)
    train_batched(LOSS, *inputs, epochs=5)

    seq, bat, vm = [], [], []
    for _ in range(args.repeats):
        wall, cpu = timed(lambda: sequential_runs(seeds[:args.sequential], args.epochs))
        seq.append((wall / args.sequential, cpu / args.sequential))
        wall, cpu = timed(lambda: train_batched(LOSS, *inputs, epochs=args.epochs))
        bat.append((wall / args.runs, cpu / args.runs))
        if args.vmap_runs:
            k = min(args.vmap_runs, args.runs)
            sub = tuple(v[:k] for v in inputs)
            wall, cpu = timed(lambda sub=sub: vmap_runs(sub, args.vmap_epochs))
            scale = args.epochs / args.vmap_epochs
            vm.append((wall / k * scale, cpu / k * scale))

    def med(rows, i):
        return statistics.median(r[i] for r in rows)

    rate = matmul_rate()
    n_train, n_test = len(inputs[1][0][1]), len(inputs[2][0][1])
    flops = flops_per_run_epoch(n_train, n_test)
    floor = flops * args.epochs / rate
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads, load average {load[0]:.1f} / {load[1]:.1f}")
    print(f"runs: {DATASET}, {LOSS}, init {INIT}, lr {LR}, {args.epochs} epochs, "
          f"{n_train} train / {n_test} test points; {args.repeats} repeats, medians")
    print(f"sequential train   : {med(seq, 0) * 1e3:8.1f} ms wall per run  {med(seq, 1) * 1e3:8.1f} ms CPU per run"
          f"  ({args.sequential} runs per repeat)")
    print(f"batched ({args.runs:4d} runs) : {med(bat, 0) * 1e3:8.1f} ms wall per run  "
          f"{med(bat, 1) * 1e3:8.1f} ms CPU per run")
    if vm:
        print(f"vmap + autograd    : {med(vm, 0) * 1e3:8.1f} ms wall per run  {med(vm, 1) * 1e3:8.1f} ms CPU per run"
              f"  ({min(args.vmap_runs, args.runs)} runs, {args.vmap_epochs} epochs timed, scaled)")
    print(f"speed-up batched vs sequential: {med(seq, 0) / med(bat, 0):.1f}x wall, "
          f"{med(seq, 1) / med(bat, 1):.1f}x CPU (target >= 25x)")
    if vm:
        print(f"speed-up batched vs vmap: {med(vm, 0) / med(bat, 0):.1f}x wall")
    print(f"floor: {flops / 1e3:.1f} kFLOP per run-epoch in matmuls; measured matmul rate "
          f"{rate / 1e9:.1f} GFLOP/s (1 thread, 1024^3) -> {floor * 1e3:.2f} ms per run; "
          f"batched is {med(bat, 1) / floor:.0f}x the floor in CPU time")


if __name__ == "__main__":
    main()
