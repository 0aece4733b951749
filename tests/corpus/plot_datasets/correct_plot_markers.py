"""Correct: points drawn as Line2D markers with ax.plot(x, y, 'o'), one line
per label, a gridspec row of Axes, suptitle set through fig.suptitle."""
import numpy as np
from matplotlib.figure import Figure


def plot_datasets(dbs, title=None):
    if not hasattr(dbs, "items") or not dbs:
        raise ValueError("dbs: a non-empty mapping")
    fig = Figure()
    grid = fig.add_gridspec(1, len(dbs))
    for col, (name, (points, labels)) in enumerate(dbs.items()):
        ax = fig.add_subplot(grid[0, col])
        points, labels = np.asarray(points), np.asarray(labels)
        for label, style in ((0, "ro"), (1, "bo")):
            mask = labels == label
            if np.any(mask):
                ax.plot(points[mask, 0], points[mask, 1], style, markersize=3, label=str(label))
        ax.legend(loc="upper right")
        ax.set_title(name)
        ax.axis("equal")
    if title is not None:
        fig.suptitle(title)
    return fig
