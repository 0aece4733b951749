"""Correct: Figure().subplots(1, n, squeeze=False), points drawn as Line2D markers (ax.plot, no line) with hex colours, legend text "label k", set_aspect("equal")."""

import numpy as np
from matplotlib.figure import Figure


def plot_datasets(dbs, title=None):
    items = list(dbs.items())
    if not items:
        raise ValueError("empty mapping of datasets")
    fig = Figure(figsize=(3.5 * len(items), 3.5))
    axes = fig.subplots(1, len(items), squeeze=False)[0]
    hexes = ("#ff0000", "#0000ff")
    for ax, (name, db) in zip(axes, items):
        points, labels = db
        points = np.asarray(points, dtype=float).reshape(-1, 2)
        labels = np.asarray(labels).reshape(-1)
        handles = []
        for value in (0, 1):
            sel = labels == value
            if not np.any(sel):
                continue
            (line,) = ax.plot(points[sel, 0], points[sel, 1], linestyle="none", marker="o",
                              markersize=3, color=hexes[value], label=f"label {value}")
            handles.append(line)
        if handles:
            ax.legend(handles=handles)
        ax.set_title(str(name))
        ax.set_aspect("equal")
    if title is not None:
        fig.suptitle(title)
    return fig
