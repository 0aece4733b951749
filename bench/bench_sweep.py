"""Wall time of the default `toyopt sweep` (12,000 runs of 1000 epochs).

    PYTHONPATH=. python bench/bench_sweep.py [--repeats 1] [--out DIR]

Runs the default grid in this process (as ``toyopt sweep`` does), `--repeats`
times, and prints per repeat: training wall time, the process's CPU time
(user + system, both threads), the time to write the CSV, figures and
summary, and the load average before and after -- on a shared machine the
wall time depends on what else runs, the CPU time much less. With `--out` the
last repeat's files are kept there (``--out docs/answer-key`` regenerates the
answer key and times it in one go).
"""

import argparse
import os
import statistics
import tempfile
import time

import torch

from toyopt.sweep.config import SweepConfig
from toyopt.sweep.engine import run_sweep
from toyopt.sweep.output import write_outputs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--out", default=None, help="keep the files here (default: a temporary folder)")
    parser.add_argument("--seeds", type=int, default=SweepConfig.seeds, help="seeds per cell (default: %(default)s)")
    args = parser.parse_args(argv)

    config = SweepConfig(seeds=args.seeds).validate()
    print(f"machine: {os.cpu_count()} cores, torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"grid: {config.num_trained_runs:,} runs of {config.trained_epochs} epochs, "
          f"{config.num_rows:,} CSV rows")
    walls, cpus = [], []
    for repeat in range(args.repeats):
        load_before = os.getloadavg()[0]
        cpu0, wall0 = time.process_time(), time.perf_counter()
        result = run_sweep(config, progress=False)
        train_wall, train_cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        with tempfile.TemporaryDirectory() as tmp:
            out = args.out if (args.out and repeat == args.repeats - 1) else tmp
            command = f"toyopt sweep --out {args.out}" if args.out else "toyopt sweep"
            start = time.perf_counter()
            write_outputs(result, out, command=command)
            write_wall = time.perf_counter() - start
        load_after = os.getloadavg()[0]
        walls.append(train_wall)
        cpus.append(train_cpu)
        print(f"repeat {repeat + 1}: training {train_wall:.1f} s wall, {train_cpu:.1f} s CPU "
              f"({config.num_trained_runs / train_wall:.0f} runs/s); writing files {write_wall:.1f} s; "
              f"load average {load_before:.1f} -> {load_after:.1f}")
    print(f"median of {args.repeats}: training {statistics.median(walls):.1f} s wall, "
          f"{statistics.median(cpus):.1f} s CPU; CPU time / 2 cores = "
          f"{statistics.median(cpus) / 2:.1f} s (target: <= 300 s wall on 2 cores)")


if __name__ == "__main__":
    main()
