"""Bug: colours by position (first half red, second half blue) instead of by label."""
import numpy as np
from matplotlib.figure import Figure

#: The checks this bug must fail (and only these).
EXPECT_FAILED = ("plot_datasets.colours", "plot_datasets.titles_in_order", "plot_datasets.legend", "plot_datasets.aspect", "plot_datasets.suptitle", "plot_datasets.empty_mapping")

COLOURS = {0: "red", 1: "blue"}


def plot_datasets(dbs, title=None):
    if not dbs:
        raise ValueError("dbs must not be empty")
    fig = Figure(figsize=(4 * len(dbs), 4))
    axes = [fig.add_subplot(1, len(dbs), k + 1) for k in range(len(dbs))]
    for ax, (name, (points, labels)) in zip(axes, dbs.items()):
        points, labels = np.asarray(points), np.asarray(labels)
        for label in (0, 1):
            sel = (np.arange(len(labels)) >= len(labels) // 2) == label
            if sel.any():
                ax.scatter(points[sel, 0], points[sel, 1], c=COLOURS[label], label=str(label))
        ax.legend()
        ax.set_title(name)
        ax.set_aspect("equal")
    if title is not None:
        fig.suptitle(title)
    return fig
