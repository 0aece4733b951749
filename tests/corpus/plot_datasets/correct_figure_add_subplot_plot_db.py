"""Correct: a bare matplotlib Figure, fig.add_subplot(1, n, i + 1), and a local copy of the tutorial's plot_db (one scatter per label, ax.axis('equal'))."""
import numpy as np
from matplotlib.figure import Figure

LABEL_COLOURS = {0: "red", 1: "blue"}


def plot_db(data, title, ax):
    points, labels = data
    points = np.asarray(points)
    labels = np.asarray(labels)
    for label in np.unique(labels):
        mask = labels == label
        ax.scatter(points[mask, 0], points[mask, 1], c=LABEL_COLOURS[int(label)], label=int(label), s=10)
    ax.legend()
    ax.set_title(title)
    ax.axis("equal")
    return ax


def plot_datasets(dbs, title=None):
    if len(dbs) == 0:
        raise ValueError("plot_datasets needs at least one dataset")
    fig = Figure(figsize=(4 * len(dbs), 4))
    for index, (name, db) in enumerate(dbs.items()):
        ax = fig.add_subplot(1, len(dbs), index + 1)
        plot_db(db, name, ax)
    if title is not None:
        fig.suptitle(title)
    return fig
