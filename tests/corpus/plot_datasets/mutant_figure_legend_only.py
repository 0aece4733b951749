"""Bug: one figure-level fig.legend() replaces the per-Axes legends, so no Axes has its own legend (the each-Axes-has-a-legend clause)."""
import matplotlib.pyplot as plt
import numpy as np


def plot_datasets(dbs, title=None):
    if not dbs:
        raise ValueError("no datasets to plot")
    names = list(dbs)
    fig, axes = plt.subplots(1, len(names), figsize=(4 * len(names), 4), squeeze=False)
    for ax, name in zip(axes[0], names):
        points, labels = (np.asarray(a) for a in dbs[name])
        for label, colour in ((0, "red"), (1, "blue")):
            mask = labels == label
            if mask.any():
                ax.scatter(points[mask, 0], points[mask, 1], color=colour, s=10, label=str(label))
        ax.set_title(name)
        ax.set_aspect("equal")
    fig.legend(*axes[0, 0].get_legend_handles_labels())
    if title is not None:
        fig.suptitle(title)
    return fig
