"""Bug: each Axes title is the key plus the point count, f'{name} (n=...)', not the key itself (the title-is-the-key clause)."""
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
        ax.set_title(f"{name} (n={len(points)})")
        ax.set_aspect("equal")
    if title is not None:
        fig.suptitle(title)
    return fig
