"""Bug: never sets ax.axis("equal") / set_aspect("equal"), so the Axes keep auto aspect, breaking the equal-aspect clause."""

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
            mask = labels == label
            ax.scatter(points[mask, 0], points[mask, 1], c=_COLOURS[int(label)], label=int(label), s=10)
        if len(labels):
            ax.legend()
        ax.set_title(name)
        ax.axis("tight")
    if title is not None:
        fig.suptitle(title)
    return fig
