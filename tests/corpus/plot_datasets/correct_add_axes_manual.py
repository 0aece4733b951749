"""Correct: Axes placed by hand with fig.add_axes([left, bottom, width, height]) in one row, colours by short names 'r' / 'b'."""
import numpy as np
from matplotlib.figure import Figure


def plot_datasets(dbs, title=None):
    n = len(dbs)
    if n == 0:
        raise ValueError("at least one dataset is required")
    fig = Figure(figsize=(4 * n, 4))
    width = 0.8 / n
    gap = 0.2 / (n + 1)
    for k, (name, (points, labels)) in enumerate(dbs.items()):
        ax = fig.add_axes([gap + k * (width + gap), 0.1, width, 0.75])
        points = np.asarray(points)
        labels = np.asarray(labels)
        for lab, colour in zip((0, 1), ("r", "b")):
            m = labels == lab
            if m.sum():
                ax.scatter(points[m, 0], points[m, 1], c=colour, s=10, label=str(lab))
        ax.legend()
        ax.set_title(name)
        ax.axis("equal")
    if title is not None:
        fig.suptitle(title)
    return fig
