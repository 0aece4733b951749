"""Bug: scatters are drawn without label=..., so ax.legend() makes an empty legend with no entry per label, breaking the legend clause."""

import warnings

import numpy as np
from matplotlib.figure import Figure


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
            ax.scatter(points[mask, 0], points[mask, 1], c="red" if label == 0 else "blue", s=10)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ax.legend()
        ax.set_title(name)
        ax.axis("equal")
    if title is not None:
        fig.suptitle(title)
    return fig
