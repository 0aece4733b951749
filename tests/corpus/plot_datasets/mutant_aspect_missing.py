"""Bug: the aspect is never set, so the Axes use matplotlib's default 'auto' aspect (the equal-aspect clause)."""
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
        ax.legend()
        ax.set_title(name)
    if title is not None:
        fig.suptitle(title)
    return fig
