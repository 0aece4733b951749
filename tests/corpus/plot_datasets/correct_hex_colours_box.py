"""Correct: hex colours '#ff0000' / '#0000ff', ax.set_aspect('equal', adjustable='box'), legend with explicit handles list."""
import numpy as np
from matplotlib.figure import Figure

HEX = {0: "#ff0000", 1: "#0000ff"}


def plot_datasets(dbs, title=None):
    items = list(dbs.items())
    if not items:
        raise ValueError("cannot plot an empty collection of datasets")
    fig = Figure(figsize=(4 * len(items), 4.5))
    for pos, (name, (points, labels)) in enumerate(items, start=1):
        ax = fig.add_subplot(1, len(items), pos)
        points = np.asarray(points)
        labels = np.asarray(labels)
        handles = []
        for lab in (0, 1):
            idx = np.flatnonzero(labels == lab)
            if idx.size:
                handles.append(ax.scatter(points[idx, 0], points[idx, 1], c=HEX[lab], s=10, label=lab))
        ax.legend(handles=handles)
        ax.set_title(name)
        ax.set_aspect("equal", adjustable="box")
    if title is not None:
        fig.suptitle(title)
    return fig
