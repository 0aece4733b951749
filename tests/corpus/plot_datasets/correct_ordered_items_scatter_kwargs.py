"""Correct: iterates keys() then indexes the mapping, scatter(x=..., y=..., color=...) keyword form, ax.set_aspect(1)."""
import numpy as np
from matplotlib.figure import Figure


def plot_datasets(dbs, title=None):
    keys = list(dbs.keys())
    if len(keys) == 0:
        raise ValueError("nothing to plot: dbs is empty")
    fig = Figure(figsize=(4 * len(keys), 4))
    for i, key in enumerate(keys):
        pts, labs = dbs[key]
        pts = np.asarray(pts)
        labs = np.asarray(labs)
        ax = fig.add_subplot(1, len(keys), i + 1)
        zero = labs == 0
        one = labs == 1
        if zero.any():
            ax.scatter(x=pts[zero, 0], y=pts[zero, 1], color="red", s=10, label="0")
        if one.any():
            ax.scatter(x=pts[one, 0], y=pts[one, 1], color="blue", s=10, label="1")
        ax.legend()
        ax.set_title(str(key))
        ax.set_aspect(1)
    if title is not None:
        fig.suptitle(title)
    return fig
