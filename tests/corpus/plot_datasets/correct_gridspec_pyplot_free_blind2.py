"""Correct: GridSpec layout (fig.add_gridspec(1, n)), ValueError check up front, scatter with explicit facecolor/edgecolor lists, legend labels "0"/"1" as strings, suptitle only when title is not None."""

import numpy as np
from matplotlib.figure import Figure


def _colour(label):
    if label == 0:
        return "red"
    if label == 1:
        return "blue"
    raise ValueError(f"labels must be 0 or 1, found {label!r}")


def plot_datasets(dbs, title=None):
    if not dbs:
        raise ValueError("no datasets to plot")
    names = list(dbs)
    fig = Figure(figsize=(4 * len(names), 4), layout="constrained")
    grid = fig.add_gridspec(1, len(names))
    for col, name in enumerate(names):
        points, labels = dbs[name]
        points = np.asarray(points)
        labels = np.asarray(labels).astype(np.int64)
        ax = fig.add_subplot(grid[0, col])
        present = sorted(set(labels.tolist()))
        for label in present:
            idx = np.flatnonzero(labels == label)
            colour = _colour(label)
            ax.scatter(points[idx, 0], points[idx, 1], s=8,
                       facecolors=[colour] * len(idx), edgecolors=[colour] * len(idx),
                       label=str(label))
        if present:
            ax.legend(loc="best")
        ax.set_title(name)
        ax.axis("equal")
    if title is not None:
        fig.suptitle(title)
    return fig
