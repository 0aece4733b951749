"""Correct: pyplot-free Figure with fig.add_subplot(1, n, k), one ax.scatter per label present with label=int, ax.axis("equal")."""

import numpy as np
from matplotlib.figure import Figure

_COLOURS = {0: "red", 1: "blue"}


def plot_datasets(dbs, title=None):
    if len(dbs) == 0:
        raise ValueError("plot_datasets needs at least one dataset")
    n = len(dbs)
    fig = Figure(figsize=(4 * n, 4))
    for k, (name, (points, labels)) in enumerate(dbs.items(), start=1):
        points = np.asarray(points)
        labels = np.asarray(labels)
        ax = fig.add_subplot(1, n, k)
        for label in np.unique(labels):
            colour = _COLOURS.get(int(label))
            if colour is None:
                raise ValueError(f"{name}: labels must be 0 or 1, got {label!r}")
            mask = labels == label
            ax.scatter(points[mask, 0], points[mask, 1], c=colour, label=int(label), s=10)
        if len(labels):
            ax.legend()
        ax.set_title(name)
        ax.axis("equal")
    if title is not None:
        fig.suptitle(title)
    return fig
