"""Bug: a new figure per dataset (the tutorial's plot_db called alone); the
last one is returned, holding one Axes."""
import numpy as np
from matplotlib.figure import Figure

#: The checks this bug must fail (and only these).
EXPECT_FAILED = ("plot_datasets.axes_count", "plot_datasets.points_once", "plot_datasets.colours", "plot_datasets.titles_in_order", "plot_datasets.legend", "plot_datasets.aspect", "plot_datasets.suptitle", "plot_datasets.empty_mapping")


def plot_datasets(dbs, title=None):
    if not dbs:
        raise ValueError("dbs must not be empty")
    for name, (points, labels) in dbs.items():
        fig = Figure(figsize=(4, 4))
        ax = fig.add_subplot(1, 1, 1)
        points, labels = np.asarray(points), np.asarray(labels)
        for label, colour in ((0, "red"), (1, "blue")):
            sel = labels == label
            ax.scatter(points[sel, 0], points[sel, 1], c=colour, label=str(label))
        ax.legend()
        ax.set_title(name)
        ax.axis("equal")
        if title is not None:
            fig.suptitle(title)
    return fig
