"""Correct: plt.subplots(1, n, gridspec_kw=..., squeeze=False), a ValueError subclass for the empty mapping, legend via get_legend_handles_labels."""
import matplotlib.pyplot as plt
import numpy as np


class InvalidInputError(ValueError):
    """Bad argument."""


def plot_datasets(dbs, title=None):
    if len(dbs) == 0:
        raise InvalidInputError("dbs must be a non-empty mapping {name: (points, labels)}")
    n = len(dbs)
    fig, axs = plt.subplots(1, n, figsize=(4 * n, 4), squeeze=False, gridspec_kw={"wspace": 0.3})
    for j, key in enumerate(dbs.keys()):
        ax = axs[0, j]
        points = np.asarray(dbs[key][0])
        labels = np.asarray(dbs[key][1])
        for lab in np.unique(labels):
            keep = labels == lab
            ax.scatter(points[keep, 0], points[keep, 1], c="red" if lab == 0 else "blue",
                       s=10, label=int(lab))
        handles, names = ax.get_legend_handles_labels()
        ax.legend(handles, names)
        ax.set_title(key)
        ax.axis("equal")
    if title is not None:
        fig.suptitle(title)
    return fig
