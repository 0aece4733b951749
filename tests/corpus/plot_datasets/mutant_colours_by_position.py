"""Bug: colours are picked by the label's position in np.unique (first red, second blue), so a dataset holding only label 1 is drawn red (the colour clause)."""
import numpy as np
from matplotlib.figure import Figure

LABEL_COLOURS = {0: "red", 1: "blue"}


def _plot_one(ax, points, labels, name):
    for k, label in enumerate(np.unique(labels)):
        mask = labels == label
        ax.scatter(points[mask, 0], points[mask, 1], c=["red", "blue"][k], label=int(label), s=10)
    ax.legend()
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
