"""Correct: pyplot's subplots (squeeze=False), one scatter per label with
color=, set_aspect('equal'), a pyplot figure returned."""
import matplotlib.pyplot as plt
import numpy as np


def plot_datasets(dbs, title=None):
    if not dbs:
        raise ValueError("dbs must not be empty")
    fig, axs = plt.subplots(1, len(dbs), figsize=(4 * len(dbs), 4), squeeze=False)
    for ax, (name, (points, labels)) in zip(axs[0], dbs.items()):
        points, labels = np.asarray(points), np.asarray(labels)
        for label, colour in ((0, "red"), (1, "blue")):
            sel = labels == label
            if sel.any():
                ax.scatter(points[sel, 0], points[sel, 1], color=colour, label=f"label {label}", s=8)
        ax.set_title(name)
        ax.set_aspect("equal")
        ax.legend()
    if title is not None:
        fig.suptitle(title)
    return fig
