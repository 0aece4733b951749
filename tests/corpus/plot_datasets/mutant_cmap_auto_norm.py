"""Bug: one scatter with c=labels and cmap 'bwr_r' but no vmin/vmax, so a dataset holding only label 1 is normalised to 0 and drawn red (the colour clause)."""
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

LABEL_COLOURS = {0: "red", 1: "blue"}


def _plot_one(ax, points, labels, name):
    ax.scatter(points[:, 0], points[:, 1], c=labels, cmap="bwr_r", s=10)
    handles = [Line2D([], [], marker="o", linestyle="", color=LABEL_COLOURS[int(v)], label=str(int(v))) for v in np.unique(labels)]
    ax.legend(handles=handles)
    ax.set_title(name)
    ax.axis("equal")


def plot_datasets(dbs, title=None):
    if len(dbs) == 0:
        raise ValueError("dbs must be a non-empty mapping of datasets")
    fig = Figure(figsize=(4 * len(dbs), 4))
    for index, (name, db) in enumerate(dbs.items()):
        points = np.asarray(db[0])
        labels = np.asarray(db[1])
        ax = fig.add_subplot(1, len(dbs), index + 1)
        _plot_one(ax, points, labels, name)
    if title is not None:
        fig.suptitle(title)
    return fig
