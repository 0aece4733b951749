"""Bug: ax.set_box_aspect(1) makes a square box but leaves the data aspect 'auto', instead of equal aspect (the equal-aspect clause)."""
import numpy as np
from matplotlib.figure import Figure

LABEL_COLOURS = {0: "red", 1: "blue"}


def _plot_one(ax, points, labels, name):
    for label in np.unique(labels):
        mask = labels == label
        ax.scatter(points[mask, 0], points[mask, 1], c=LABEL_COLOURS[int(label)], label=int(label), s=10)
    ax.legend()
    ax.set_title(name)
    ax.set_box_aspect(1)


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
