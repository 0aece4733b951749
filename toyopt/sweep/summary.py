"""`summary.md`: the tutorial's questions answered with a sweep's numbers.

Every sentence with a number is computed from the result here; nothing is
typed in by hand, so a regenerated answer key stays consistent with its CSV.
"""

import numpy as np

from .config import SOLVED_ACC

#: Two means differ "clearly" when their gap exceeds this many standard
#: errors of the difference (about a 95 % two-sided test for large samples).
TIE_Z = 2.0


def _mean_se(values):
    values = np.asarray(values, dtype=np.float64)
    if len(values) < 2:
        return float(values.mean()), 0.0
    return float(values.mean()), float(values.std(ddof=1) / np.sqrt(len(values)))


def _median_epochs(values):
    reached = values[~np.isnan(values)]
    return f"{np.median(reached):.0f}" if len(reached) else "never"


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


class _Facts:
    """Selections of a `SweepResult` at the reference settings."""

    def __init__(self, result):
        self.r = result
        cfg = result.config
        self.cfg = cfg
        self.E = cfg.trained_epochs
        self.lr = 0.1 if 0.1 in cfg.lrs else cfg.lrs[0]
        self.init = "uniform" if "uniform" in cfg.inits else cfg.inits[0]
        self.col = result.columns

    def acc(self, column="final_test_acc", **where):
        where.setdefault("epochs", self.E)
        return self.col[column][self.r.select(**where)]

    def describe(self, **where):
        """'mean (share >= 95 %)' of final test accuracy."""
        acc = self.acc(**where)
        return f"{acc.mean():.1f} ({np.mean(acc >= SOLVED_ACC) * 100:.0f} %)"

    def best_losses(self, dataset, init, lr):
        """Loss with the highest mean final test accuracy and those tied with it."""
        stats = {loss: _mean_se(self.acc(dataset=dataset, loss=loss, init=init, lr=lr))
                 for loss in self.cfg.losses}
        best = max(stats, key=lambda k: stats[k][0])
        m0, s0 = stats[best]
        ties = [loss for loss, (m, s) in stats.items()
                if loss != best and m0 - m <= TIE_Z * np.hypot(s0, s)]
        return best, ties, stats


def build_summary(result, command=None):
    """The Markdown text of ``summary.md`` for `result`."""
    f = _Facts(result)
    cfg = result.config
    out = [
        "# Optimisation and Learning: the tutorial's questions, answered by a sweep",
        "",
        f"Grid: datasets {', '.join(cfg.datasets)}; losses {', '.join(cfg.losses)}; "
        f"inits {', '.join(cfg.inits)}; learning rates {', '.join(f'{lr:g}' for lr in cfg.lrs)}; "
        f"seeds {cfg.first_seed}..{cfg.first_seed + cfg.seeds - 1} ({cfg.seeds} per cell); "
        f"{cfg.num_points} points per dataset, {cfg.test_fraction:g} of them for testing; "
        f"full-batch SGD for {cfg.trained_epochs} epochs. "
        f"{result.runs_trained:,} runs trained in {result.train_seconds:.0f} s on {result.device}; "
        f"the CSV has {result.num_rows:,} rows (budgets {', '.join(map(str, sorted(cfg.epochs)))} "
        "epochs: shorter budgets are the first epochs of the same runs).",
        "",
        "Seed s draws the data (`np.random.seed(s)`, all four datasets, then the splits) and the "
        "initial weights (`torch.manual_seed(s)` then `Simple2DNetwork(init)`), so the same seed "
        "gives the same data and starting point to every loss and learning rate. "
        f"Accuracies are on the test set, in percent; 'solved' means >= {SOLVED_ACC:g} %. "
        f"Unless a table says otherwise: init {f.init}, lr {f.lr:g}, {f.E} epochs.",
    ]
    if command:
        out += ["", f"Regenerate with `{command}`."]

    # 1. Untrained accuracy.
    first_loss = cfg.losses[0]
    rows = []
    for dataset in cfg.datasets:
        cells = []
        for init in cfg.inits:
            acc = f.acc("untrained_test_acc", dataset=dataset, init=init, loss=first_loss, lr=f.lr)
            cells.append(f"{np.median(acc):.0f} [{np.percentile(acc, 5):.0f}, {np.percentile(acc, 95):.0f}]")
        rows.append([dataset] + cells)
    untrained_all = f.acc("untrained_test_acc", loss=first_loss, lr=f.lr)
    out += [
        "", "## How good are untrained features?", "",
        f"Close to chance: over all datasets and inits the untrained network's test accuracy "
        f"has median {np.median(untrained_all):.0f} %, but single seeds range from "
        f"{untrained_all.min():.0f} to {untrained_all.max():.0f} % (a random network often "
        "predicts one class for every point, which scores the share of that class). "
        "Median [5th, 95th percentile] per dataset and init:", "",
        _table(["dataset"] + list(cfg.inits), rows),
    ]

    # 2. One loss best everywhere?
    winners = {}
    rows = []
    for dataset in cfg.datasets:
        best, ties, stats = f.best_losses(dataset, f.init, f.lr)
        winners[dataset] = (best, ties)
        rows.append([dataset] + [f.describe(dataset=dataset, loss=loss, init=f.init, lr=f.lr)
                                 for loss in cfg.losses] + [best + (f" (tied: {', '.join(ties)})" if ties else "")])
    learnable = [d for d in cfg.datasets if d != "random_data"]
    clear = {d: w for d, (w, t) in winners.items() if d in learnable and not t}
    distinct = {winners[d][0] for d in learnable}
    if len(learnable) > 1 and len(distinct) > 1:
        verdict = ("No. The loss with the highest mean final accuracy changes with the dataset: "
                   + "; ".join(f"{d}: {winners[d][0]}" + (" (tied with " + ", ".join(winners[d][1]) + ")"
                                                           if winners[d][1] else "")
                               for d in learnable) + ".")
    elif learnable:
        verdict = (f"{next(iter(distinct))} has the highest mean final accuracy on every learnable "
                   "dataset here" + (" (clearly on " + ", ".join(clear) + ")" if clear else
                                     ", but within noise of another loss") + ".")
    else:
        verdict = "Only random_data in this grid: no loss can beat chance on random labels."
    other = []
    for init in cfg.inits:
        for lr in cfg.lrs:
            if (init, lr) == (f.init, f.lr):
                continue
            other.append(f"init {init}, lr {lr:g}: " + ", ".join(
                f"{d} {f.best_losses(d, init, lr)[0]}" for d in learnable))
    out += [
        "", "## Is there a single loss function that works best across all datasets?", "",
        verdict + (" random_data stays at chance whatever the loss (its labels are noise)."
                   if "random_data" in cfg.datasets else ""),
        f"Ties: means within {TIE_Z:g} standard errors of the best. "
        "Mean final test accuracy (share of seeds solved):", "",
        _table(["dataset"] + list(cfg.losses) + ["best"], rows),
    ]
    if other:
        out += ["", "Best loss at the other settings: " + "; ".join(other) + "."]

    # 3. Smaller learning rate.
    if len(cfg.lrs) > 1:
        lrs = sorted(cfg.lrs, reverse=True)
        rows = []
        for dataset in cfg.datasets:
            row = [dataset]
            for lr in lrs:
                e95 = f.acc("epoch_to_95", dataset=dataset, init=f.init, lr=lr)
                row.append(f"{f.describe(dataset=dataset, init=f.init, lr=lr)}, "
                           f"median epochs to 95 %: {_median_epochs(e95)}")
            rows.append(row)
        hi, lo = lrs[0], lrs[-1]
        drops = {d: f.acc(dataset=d, init=f.init, lr=hi).mean() - f.acc(dataset=d, init=f.init, lr=lo).mean()
                 for d in learnable}
        speed = []
        for d in learnable:
            a = np.nanmedian(f.acc("epoch_to_95", dataset=d, init=f.init, lr=hi)) \
                if np.any(~np.isnan(f.acc("epoch_to_95", dataset=d, init=f.init, lr=hi))) else np.nan
            b = np.nanmedian(f.acc("epoch_to_95", dataset=d, init=f.init, lr=lo)) \
                if np.any(~np.isnan(f.acc("epoch_to_95", dataset=d, init=f.init, lr=lo))) else np.nan
            if not np.isnan(a) and not np.isnan(b):
                speed.append(f"{d} {a:.0f} -> {b:.0f}")
        out += [
            "", "## What happens when you decrease the learning rate?", "",
            f"Learning slows down: from lr {hi:g} to {lo:g}, the mean final accuracy after {f.E} epochs "
            "changes by " + ", ".join(f"{d} {-v:+.1f} points" for d, v in drops.items())
            + (". Median epochs to reach 95 % (seeds that reach it): " + ", ".join(speed) if speed else "")
            + ". Pooled over losses, mean final test accuracy (share solved):", "",
            _table(["dataset"] + [f"lr {lr:g}" for lr in lrs], rows),
        ]

    # 4. Fewer epochs.
    if len(cfg.epochs) > 1:
        budgets = sorted(cfg.epochs)
        rows = []
        for dataset in cfg.datasets:
            rows.append([dataset] + [f.describe(dataset=dataset, init=f.init, lr=f.lr, epochs=e)
                                     for e in budgets])
        short, long = budgets[0], budgets[-1]
        gaps = ", ".join(
            f"{d} {f.acc(dataset=d, init=f.init, lr=f.lr, epochs=short).mean():.1f} vs "
            f"{f.acc(dataset=d, init=f.init, lr=f.lr, epochs=long).mean():.1f}" for d in learnable)
        out += [
            "", "## What happens when you reduce the number of epochs?", "",
            f"Accuracy is lower where training had not converged: mean final accuracy after {short} "
            f"vs {long} epochs: {gaps}. Pooled over losses, mean final test accuracy (share solved):", "",
            _table(["dataset"] + [f"{e} epochs" for e in budgets], rows),
        ]

    # 5. Same epochs for every dataset?
    rows = []
    for dataset in cfg.datasets:
        row = [dataset]
        for loss in cfg.losses:
            e95 = f.acc("epoch_to_95", dataset=dataset, loss=loss, init=f.init, lr=f.lr)
            row.append(f"{_median_epochs(e95)} ({np.mean(~np.isnan(e95)) * 100:.0f} %)")
        rows.append(row)
    med = {d: f.acc("epoch_to_95", dataset=d, init=f.init, lr=f.lr) for d in cfg.datasets}
    reach = ", ".join(f"{d} {_median_epochs(v)}" + ("" if np.any(~np.isnan(v)) else "")
                      for d, v in med.items())
    out += [
        "", "## Do we need the same number of epochs across all datasets to reach perfect accuracy?", "",
        f"No. Median epoch at which the test accuracy first reaches {SOLVED_ACC:g} % (pooled over "
        f"losses, seeds that reach it within {f.E} epochs): {reach}. Datasets that the 2-5-1 "
        "network cannot separate (random labels, the spiral) never get there, however long. "
        "Per loss, median epochs to 95 % (share of seeds that reach it):", "",
        _table(["dataset"] + list(cfg.losses), rows),
    ]

    # 6. Initialisation.
    if len(cfg.inits) > 1:
        rows = []
        for dataset in cfg.datasets:
            row = [dataset]
            for init in cfg.inits:
                acc = f.acc(dataset=dataset, init=init, lr=f.lr)
                row.append(f"{acc.mean():.1f} ({np.mean(acc >= SOLVED_ACC) * 100:.0f} % solved, "
                           f"{np.mean(acc < 70) * 100:.0f} % below 70)")
            rows.append(row)
        spread = []
        for d in learnable:
            means = {init: f.acc(dataset=d, init=init, lr=f.lr).mean() for init in cfg.inits}
            top = max(means, key=means.get)
            low = min(means, key=means.get)
            spread.append(f"{d}: {top} {means[top]:.1f} vs {low} {means[low]:.1f}")
        out += [
            "", "## Does the initialisation have an impact on training?", "",
            "Yes, through the share of seeds that get stuck (dead ReLU units, a flat start) rather "
            "than through the accuracy of the seeds that train well. Best vs worst init by mean "
            "final accuracy: " + "; ".join(spread) + ". Pooled over losses:", "",
            _table(["dataset"] + list(cfg.inits), rows),
        ]
    out += ["", "Figures: `heatmap_median_accuracy.png`, `heatmap_solved_share.png`, "
            "`curves_<dataset>.png` (median and 5-95 % band of the test accuracy per epoch).", ""]
    return "\n".join(out)
