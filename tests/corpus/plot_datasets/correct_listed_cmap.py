"""Correct: one scatter per Axes coloured through ListedColormap(['red', 'blue']) with vmin=0, vmax=1 fixed, legend from Patch proxies."""
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

CMAP = ListedColormap(["red", "blue"])


def plot_datasets(dbs, title=None):
    if len(dbs) == 0:
        raise ValueError("dbs must contain at least one dataset")
    fig = Figure(figsize=(4 * len(dbs), 4))
    for i, (name, (points, labels)) in enumerate(dbs.items()):
        ax = fig.add_subplot(1, len(dbs), i + 1)
        points = np.asarray(points)
        labels = np.asarray(labels)
        ax.scatter(points[:, 0], points[:, 1], c=labels, cmap=CMAP, vmin=0, vmax=1, s=10)
        present = [v for v in (0, 1) if np.any(labels == v)]
        ax.legend(handles=[Patch(color=CMAP(v), label=str(v)) for v in present])
        ax.set_title(name)
        ax.axis("equal")
    if title is not None:
        fig.suptitle(title)
    return fig
