"""Bug: colours are picked by position in np.unique(labels) (["red", "blue"][k]) rather than by label value, so a dataset holding only label 1 is drawn red, breaking the label-0 red / label-1 blue clause."""

import numpy as np
from matplotlib.figure import Figure


def plot_datasets(dbs, title=None):
    if len(dbs) == 0:
        raise ValueError("plot_datasets needs at least one dataset")
    n = len(dbs)
    fig = Figure(figsize=(4 * n, 4))
    colours = ["red", "blue"]
    for k, (name, (points, labels)) in enumerate(dbs.items(), start=1):
        points = np.asarray(points)
        labels = np.asarray(labels)
        ax = fig.add_subplot(1, n, k)
        for j, label in enumerate(np.unique(labels)):
            mask = labels == label
            ax.scatter(points[mask, 0], points[mask, 1], c=colours[j], label=int(label), s=10)
        if len(labels):
            ax.legend()
        ax.set_title(name)
        ax.axis("equal")
    if title is not None:
        fig.suptitle(title)
    return fig
