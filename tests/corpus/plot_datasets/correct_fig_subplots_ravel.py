"""Correct: Figure().subplots(1, n, squeeze=False).ravel(), with the per-dataset drawing in a helper; label text built with str()."""
import numpy as np
from matplotlib.figure import Figure


def _draw(ax, name, db):
    points = np.asarray(db[0], dtype=float)
    labels = np.asarray(db[1])
    for lab, col in ((0, "red"), (1, "blue")):
        sel = labels == lab
        if np.any(sel):
            ax.scatter(points[sel][:, 0], points[sel][:, 1], c=col, s=8, label=str(lab))
    ax.set_title(name)
    ax.legend(loc="upper right")
    ax.axis("equal")


def plot_datasets(dbs, title=None):
    n = len(dbs)
    if n == 0:
        raise ValueError("dbs is empty")
    fig = Figure(figsize=(3.5 * n, 3.5))
    axes = fig.subplots(1, n, squeeze=False).ravel()
    for ax, (name, db) in zip(axes, dbs.items()):
        _draw(ax, name, db)
    if title is not None:
        fig.suptitle(title, fontsize=14)
    return fig
