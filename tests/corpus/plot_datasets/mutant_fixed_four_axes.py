"""Bug: always a row of four Axes, whatever the number of datasets."""
import numpy as np
from matplotlib.figure import Figure

#: The checks this bug must fail (and only these).
EXPECT_FAILED = ("plot_datasets.axes_count", "plot_datasets.points_once", "plot_datasets.colours", "plot_datasets.titles_in_order", "plot_datasets.legend", "plot_datasets.aspect", "plot_datasets.suptitle", "plot_datasets.empty_mapping")

COLOURS = {0: "red", 1: "blue"}


def plot_datasets(dbs, title=None):
    if not dbs:
        raise ValueError("dbs must not be empty")
    fig = Figure(figsize=(4 * len(dbs), 4))
    axes = [fig.add_subplot(1, 4, k + 1) for k in range(4)]
    for ax, (name, (points, labels)) in zip(axes, dbs.items()):
        points, labels = np.asarray(points), np.asarray(labels)
        for label in (0, 1):
            sel = labels == label
            if sel.any():
                ax.scatter(points[sel, 0], points[sel, 1], c=COLOURS[label], label=str(label))
        ax.legend()
        ax.set_title(name)
        ax.set_aspect("equal")
    if title is not None:
        fig.suptitle(title)
    return fig
