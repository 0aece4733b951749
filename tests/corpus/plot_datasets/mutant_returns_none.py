"""Bug: the figure is shown (pyplot) but not returned."""
import matplotlib.pyplot as plt
import numpy as np

#: The checks this bug must fail (and only these): all of them.
EXPECT_FAILED = ("plot_datasets.returns_figure", "plot_datasets.axes_count", "plot_datasets.points_once", "plot_datasets.colours", "plot_datasets.titles_in_order", "plot_datasets.legend", "plot_datasets.aspect", "plot_datasets.suptitle", "plot_datasets.empty_mapping")


def plot_datasets(dbs, title=None):
    fig, axs = plt.subplots(1, len(dbs), squeeze=False)
    for ax, (name, (points, labels)) in zip(axs[0], dbs.items()):
        points, labels = np.asarray(points), np.asarray(labels)
        ax.scatter(points[:, 0], points[:, 1], c=np.where(labels == 0, "red", "blue"))
        ax.legend(["points"])
        ax.set_title(name)
        ax.set_aspect("equal")
    if title is not None:
        fig.suptitle(title)
    plt.show()
