"""Correct: a numeric c= array mapped through ListedColormap(['red',
'blue']), hollow-free markers, legend from scatter.legend_elements(), Axes
created in reverse but placed in their right slots."""
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

CMAP = ListedColormap(["red", "blue"])


def plot_datasets(dbs, title=None):
    items = list(dbs.items())
    if not items:
        raise ValueError("empty")
    fig = Figure(figsize=(4 * len(items), 4))
    for k in reversed(range(len(items))):
        name, (points, labels) = items[k]
        ax = fig.add_subplot(1, len(items), k + 1)
        points = np.asarray(points, dtype=float)
        sc = ax.scatter(points[:, 0], points[:, 1], c=np.asarray(labels), cmap=CMAP, vmin=0, vmax=1)
        ax.legend(*sc.legend_elements(), title="label")
        ax.set_title(name)
        ax.set_aspect(1)
    if title is not None:
        fig.suptitle(title)
    return fig
