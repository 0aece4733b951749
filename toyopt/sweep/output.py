"""Files of a sweep: the tidy CSV, the PNG figures and ``summary.md``, each written atomically."""

import csv
import math
from pathlib import Path

import numpy as np

from toyopt_check.files import atomic_write

from .engine import COLUMNS
from .summary import build_summary

CSV_NAME = "runs.csv"
SUMMARY_NAME = "summary.md"


def _cell(value):
    if isinstance(value, str):
        return value
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if value is None or math.isnan(value):
        return ""
    return f"{value:.6g}"


def write_csv(result, path):
    """The tidy table of `result`: a header of `COLUMNS`, one row per run and budget."""
    cols = [result.columns[name] for name in COLUMNS]
    epoch_col = COLUMNS.index("epoch_to_95")

    def write(tmp):
        with open(tmp, "w", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(COLUMNS)
            for row in zip(*cols):
                cells = [_cell(v) for v in row]
                if cells[epoch_col]:
                    cells[epoch_col] = str(int(row[epoch_col]))
                writer.writerow(cells)

    return atomic_write(path, write)


def read_csv(path):
    """Rows of a sweep CSV as dicts of strings (for tests and quick looks)."""
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def save_figure(fig, path):
    return atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=90, format="png"))


def _grid_panels(result, value_fn, title, cbar_label, vmin, vmax):
    """One heatmap (datasets x losses) per (init, lr) of `value_fn` of the cell's final test
    accuracies at the longest budget."""
    from matplotlib.figure import Figure

    cfg = result.config
    nrows, ncols = len(cfg.inits), len(cfg.lrs)
    fig = Figure(figsize=(1.3 * len(cfg.losses) * ncols + 1.5, 0.75 * len(cfg.datasets) * nrows + 1.2),
                 layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    acc = result.columns["final_test_acc"]
    for i, init in enumerate(cfg.inits):
        for j, lr in enumerate(cfg.lrs):
            where = dict(init=init, lr=lr, epochs=cfg.trained_epochs)
            grid = np.array([[value_fn(acc[result.select(dataset=d, loss=loss, **where)]) for loss in cfg.losses]
                             for d in cfg.datasets])
            ax = axes[i, j]
            image = ax.imshow(grid, cmap="viridis", vmin=vmin, vmax=vmax, aspect="auto")
            for (a, b), value in np.ndenumerate(grid):
                ax.text(b, a, f"{value:.0f}", ha="center", va="center", fontsize=8,
                        color="black" if value > (vmin + vmax) / 2 else "white")
            ax.set_xticks(range(len(cfg.losses)), cfg.losses, rotation=30, fontsize=8)
            ax.set_yticks(range(len(cfg.datasets)), cfg.datasets, fontsize=8)
            ax.set_title(f"init {init}, lr {lr:g}", fontsize=9)
    fig.colorbar(image, ax=axes, label=cbar_label, shrink=0.8)
    fig.suptitle(f"{title} ({cfg.trained_epochs} epochs, {cfg.seeds} seeds per cell)")
    return fig


def heatmap_median_accuracy(result):
    return _grid_panels(result, np.median, "median final test accuracy", "test accuracy (%)", 40, 100)


def heatmap_solved_share(result):
    return _grid_panels(result, lambda acc: np.mean(acc >= 95) * 100,
                        "share of seeds with final test accuracy >= 95 %", "seeds (%)", 0, 100)


def learning_curve_bands(result, dataset):
    """Test accuracy per epoch for one dataset: a row of panels per learning
    rate, a column per loss, a median line and a 5-95 % band per init."""
    from matplotlib.figure import Figure

    cfg = result.config
    fig = Figure(figsize=(3.4 * len(cfg.losses), 2.9 * len(cfg.lrs) + 0.6), layout="constrained")
    axes = fig.subplots(len(cfg.lrs), len(cfg.losses), squeeze=False, sharex=True, sharey=True)
    epochs = np.arange(1, cfg.trained_epochs + 1)
    colours = ("tab:blue", "tab:orange", "tab:green")
    for i, lr in enumerate(cfg.lrs):
        for j, loss in enumerate(cfg.losses):
            ax = axes[i, j]
            for init, colour in zip(cfg.inits, colours):
                p5, p50, p95 = result.bands[dataset, loss, init, lr]
                ax.fill_between(epochs, p5, p95, color=colour, alpha=0.18, linewidth=0)
                ax.plot(epochs, p50, color=colour, linewidth=1.4, label=f"init {init}")
            ax.set_title(f"{loss}, lr {lr:g}", fontsize=9)
            ax.set_xscale("log")
            ax.set_ylim(0, 101)
            ax.grid(alpha=0.3)
            if i == len(cfg.lrs) - 1:
                ax.set_xlabel("epoch")
            if j == 0:
                ax.set_ylabel("test accuracy (%)")
    axes[0, -1].legend(fontsize=7, loc="lower right")
    fig.suptitle(f"{dataset}: median and 5-95 % band of the test accuracy over {cfg.seeds} seeds")
    return fig


def write_outputs(result, out_dir, command=None):
    """Write the CSV, the figures and ``summary.md`` of `result` into `out_dir`; return the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [write_csv(result, out_dir / CSV_NAME),
             save_figure(heatmap_median_accuracy(result), out_dir / "heatmap_median_accuracy.png"),
             save_figure(heatmap_solved_share(result), out_dir / "heatmap_solved_share.png")]
    paths += [save_figure(learning_curve_bands(result, d), out_dir / f"curves_{d}.png") for d in result.config.datasets]
    text = build_summary(result, command=command)
    paths.append(atomic_write(out_dir / SUMMARY_NAME, lambda tmp: tmp.write_text(text)))
    return paths
