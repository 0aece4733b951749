"""Correct: RGB tuples (1, 0, 0) / (0, 0, 1), a GridSpec(1, n) from fig.add_gridspec, facecolor= and edgecolor= passed separately."""
import numpy as np
from matplotlib.figure import Figure

RED = (1.0, 0.0, 0.0)
BLUE = (0.0, 0.0, 1.0)


def plot_datasets(dbs, title=None):
    if len(dbs) == 0:
        raise ValueError("empty dbs")
    fig = Figure(figsize=(4 * len(dbs), 4), layout="constrained")
    gs = fig.add_gridspec(1, len(dbs))
    for col, (name, data) in enumerate(dbs.items()):
        ax = fig.add_subplot(gs[0, col])
        points = np.asarray(data[0])
        labels = np.asarray(data[1])
        for lab, rgb in ((0, RED), (1, BLUE)):
            pts = points[labels == lab]
            if pts.shape[0]:
                ax.scatter(pts[:, 0], pts[:, 1], facecolor=rgb, edgecolor=rgb, s=10, label=str(lab))
        ax.legend()
        ax.set_title(name)
        ax.axis("equal")
    if title is not None:
        fig.suptitle(title)
    return fig
