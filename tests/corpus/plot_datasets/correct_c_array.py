"""Correct: one scatter per Axes with a per-point colour array (c= list of
names), a legend from proxy handles, Axes added to a bare Figure."""
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D


def plot_datasets(dbs, title=None):
    if len(dbs) == 0:
        raise ValueError("nothing to plot")
    fig = Figure(figsize=(3 * len(dbs), 3))
    handles = [Line2D([], [], marker="o", linestyle="", color=c, label=str(k))
               for k, c in enumerate(("red", "blue"))]
    for k, name in enumerate(dbs):
        points, labels = dbs[name]
        ax = fig.add_subplot(1, len(dbs), k + 1)
        colours = np.where(np.asarray(labels) == 0, "red", "blue")
        ax.scatter(np.asarray(points)[:, 0], np.asarray(points)[:, 1], c=list(colours), marker="x")
        ax.legend(handles=handles)
        ax.set_title(name)
        ax.set_aspect("equal", adjustable="box")
    if title:
        fig.suptitle(title)
    return fig
