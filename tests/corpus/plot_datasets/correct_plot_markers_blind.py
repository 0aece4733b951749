"""Correct: ax.plot with marker 'o' and linestyle 'none' (Line2D markers) instead of scatter, one line per label, legend from their labels."""
import numpy as np
from matplotlib.figure import Figure


def plot_datasets(dbs, title=None):
    if len(dbs) == 0:
        raise ValueError("expected a non-empty mapping of datasets")
    fig = Figure(figsize=(4 * len(dbs), 4))
    for i, name in enumerate(dbs):
        points, labels = dbs[name]
        points, labels = np.asarray(points), np.asarray(labels)
        ax = fig.add_subplot(1, len(dbs), i + 1)
        for lab, colour in [(0, "red"), (1, "blue")]:
            pts = points[labels == lab]
            if len(pts):
                ax.plot(pts[:, 0], pts[:, 1], marker="o", linestyle="none", markersize=3,
                        color=colour, label=f"{lab}")
        ax.legend()
        ax.set_title(name)
        ax.set_aspect("equal", adjustable="datalim")
    if title is not None:
        fig.suptitle(title)
    return fig
