"""Correct: one scatter per Axes with c= a per-point list of colour names, legend built from Line2D proxy handles for the labels present."""
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

COLOURS = {0: "red", 1: "blue"}


def plot_datasets(dbs, title=None):
    if len(dbs) == 0:
        raise ValueError("dbs must be a non-empty mapping")
    fig = Figure(figsize=(4 * len(dbs), 4))
    axes = [fig.add_subplot(1, len(dbs), k + 1) for k in range(len(dbs))]
    for ax, (name, (points, labels)) in zip(axes, dbs.items()):
        points = np.asarray(points)
        labels = np.asarray(labels).astype(int)
        colours = [COLOURS[int(v)] for v in labels]
        ax.scatter(points[:, 0], points[:, 1], c=colours, s=10)
        present = sorted(set(labels.tolist()))
        handles = [Line2D([], [], marker="o", linestyle="", color=COLOURS[v]) for v in present]
        ax.legend(handles, [str(v) for v in present])
        ax.set_title(name)
        ax.axis("equal")
    if title is not None:
        fig.suptitle(title)
    return fig
