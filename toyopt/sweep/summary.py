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


def _compare(f, field, ref, other, datasets):
    """Datasets whose mean final accuracy at ``field=other`` is clearly below
    that at ``field=ref`` (by more than `TIE_Z` standard errors), and the rest."""
    lower, same = [], []
    for d in datasets:
        where = dict(dataset=d, init=f.init, lr=f.lr, epochs=f.E)
        a = _mean_se(f.acc(**{**where, field: ref}))
        b = _mean_se(f.acc(**{**where, field: other}))
        (lower if a[0] - b[0] > TIE_Z * np.hypot(a[1], b[1]) else same).append(d)
    return lower, same


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
        f"{untrained_all.min():.0f} to {untrained_all.max():.0f} % (the untrained accuracy "
        "depends on the init and the seed only, not on the loss or the learning rate). "
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
    out += ["", "## What happens when you decrease the learning rate?", ""]
    if len(cfg.lrs) > 1:
        lrs = sorted(cfg.lrs, reverse=True)
        hi, lo = lrs[0], lrs[-1]
        rows = []
        for dataset in cfg.datasets:
            row = [dataset]
            for lr in lrs:
                e95 = f.acc("epoch_to_95", dataset=dataset, init=f.init, lr=lr)
                row.append(f"{f.describe(dataset=dataset, init=f.init, lr=lr)}, "
                           f"median epochs to 95 %: {_median_epochs(e95)}")
            rows.append(row)
        lower, same = _compare(f, "lr", hi, lo, learnable)
        speed = []
        for d in learnable:
            a = f.acc("epoch_to_95", dataset=d, init=f.init, lr=hi)
            b = f.acc("epoch_to_95", dataset=d, init=f.init, lr=lo)
            if np.any(~np.isnan(a)) and np.any(~np.isnan(b)):
                speed.append(f"{d} {np.nanmedian(a):.0f} -> {np.nanmedian(b):.0f}")
        text = f"From lr {hi:g} to {lo:g} (same {f.E} epochs), the mean final accuracy "
        text += ("drops clearly on " + ", ".join(lower) if lower else "drops clearly nowhere")
        text += (" and stays within noise on " + ", ".join(same) if same else "") + ". "
        if speed:
            text += ("Seeds that still reach 95 % need more epochs (median): " + ", ".join(speed) + ". "
                     "Each step moves the weights less, so the same distance takes more steps. ")
        out += [text + "Pooled over losses, mean final test accuracy (share solved):", "",
                _table(["dataset"] + [f"lr {lr:g}" for lr in lrs], rows)]
    else:
        out += ["This grid has one learning rate: rerun with e.g. `--lrs 0.1,0.01`."]

    # 4. Fewer epochs.
    out += ["", "## What happens when you reduce the number of epochs?", ""]
    if len(cfg.epochs) > 1:
        budgets = sorted(cfg.epochs)
        short, long = budgets[0], budgets[-1]
        rows = [[d] + [f.describe(dataset=d, init=f.init, lr=f.lr, epochs=e) for e in budgets]
                for d in cfg.datasets]
        lower, same = _compare(f, "epochs", long, short, cfg.datasets)
        gaps = ", ".join(
            f"{d} {f.acc(dataset=d, init=f.init, lr=f.lr, epochs=short).mean():.1f} vs "
            f"{f.acc(dataset=d, init=f.init, lr=f.lr, epochs=long).mean():.1f}" for d in cfg.datasets)
        text = (f"Stopping at {short} instead of {long} epochs costs accuracy where training was still "
                f"improving: " + (", ".join(lower) if lower else "nowhere in this grid"))
        text += ("; it changes nothing beyond noise on " + ", ".join(same) if same else "")
        out += [text + f" (mean final accuracy {short} vs {long} epochs: {gaps}). "
                "Pooled over losses, mean final test accuracy (share solved):", "",
                _table(["dataset"] + [f"{e} epochs" for e in budgets], rows)]
    else:
        out += ["This grid has one epoch budget: rerun with e.g. `--epochs 100,300,1000`."]

    # 5. Same epochs for every dataset?
    rows = []
    for dataset in cfg.datasets:
        row = [dataset]
        for loss in cfg.losses:
            e95 = f.acc("epoch_to_95", dataset=dataset, loss=loss, init=f.init, lr=f.lr)
            row.append(f"{_median_epochs(e95)} ({np.mean(~np.isnan(e95)) * 100:.0f} %)")
        rows.append(row)
    e95 = {d: f.acc("epoch_to_95", dataset=d, init=f.init, lr=f.lr) for d in cfg.datasets}
    reached = {d: v[~np.isnan(v)] for d, v in e95.items()}
    never = [d for d, v in reached.items() if len(v) == 0]
    some = {d: v for d, v in reached.items() if len(v)}
    if len(some) > 1 or never:
        text = "No. " if (len({int(np.median(v)) for v in some.values()}) > 1 or (some and never)) else ""
    else:
        text = ""
    text += (f"Median epoch at which the test accuracy first reaches {SOLVED_ACC:g} % (pooled over losses, "
             f"seeds that reach it within {f.E} epochs): "
             + ", ".join(f"{d} {np.median(v):.0f} ({len(v) / len(e95[d]) * 100:.0f} % of seeds)"
                         for d, v in some.items()))
    if never:
        text += ("; " if some else "") + ", ".join(never) + f" never within {f.E} epochs, with any loss"
    out += [
        "", "## Do we need the same number of epochs across all datasets to reach perfect accuracy?", "",
        text + ". Per loss, median epochs to 95 % (share of seeds that reach it):", "",
        _table(["dataset"] + list(cfg.losses), rows),
    ]

    # 6. Initialisation.
    out += ["", "## Does the initialisation have an impact on training?", ""]
    if len(cfg.inits) > 1:
        rows = []
        for dataset in cfg.datasets:
            row = [dataset]
            for init in cfg.inits:
                acc = f.acc(dataset=dataset, init=init, lr=f.lr)
                row.append(f"{acc.mean():.1f} ({np.mean(acc >= SOLVED_ACC) * 100:.0f} % solved, "
                           f"{np.mean(acc < 70) * 100:.0f} % below 70)")
            rows.append(row)
        clear, within = [], []
        for d in cfg.datasets:
            stats = {init: _mean_se(f.acc(dataset=d, init=init, lr=f.lr)) for init in cfg.inits}
            top = max(stats, key=lambda k: stats[k][0])
            low = min(stats, key=lambda k: stats[k][0])
            gap = stats[top][0] - stats[low][0]
            item = f"{d} ({top} {stats[top][0]:.1f} vs {low} {stats[low][0]:.1f})"
            (clear if gap > TIE_Z * np.hypot(stats[top][1], stats[low][1]) else within).append(item)
        text = ("Yes on " + "; ".join(clear) if clear else "Not beyond noise in this grid")
        text += ("; within noise on " + "; ".join(within) if within and clear else "")
        out += [text + f" (mean final accuracy, best vs worst init at lr {f.lr:g}, {f.E} epochs). "
                "The table shows how the init moves the share of seeds that stall (below 70 %) and that solve the task. "
                "Pooled over losses:", "",
                _table(["dataset"] + list(cfg.inits), rows)]
    else:
        out += ["This grid has one initialisation: rerun with e.g. `--inits uniform,xavier,default`."]
    out += ["", "Figures: `heatmap_median_accuracy.png`, `heatmap_solved_share.png`, "
            "`curves_<dataset>.png` (median and 5-95 % band of the test accuracy per epoch).", ""]
    return "\n".join(out)
