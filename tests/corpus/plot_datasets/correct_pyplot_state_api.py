"""Correct: pyplot's state-machine API (plt.figure, plt.subplot, plt.scatter, plt.title, plt.legend, plt.axis), returning the figure it made."""
import matplotlib.pyplot as plt
import numpy as np


def plot_datasets(dbs, title=None):
    if len(dbs) < 1:
        raise ValueError("dbs must not be empty")
    fig = plt.figure(figsize=(4 * len(dbs), 4))
    cdict = {0: "red", 1: "blue"}
    for k, (key, (points, labels)) in enumerate(dbs.items()):
        points = np.asarray(points)
        labels = np.asarray(labels)
        plt.subplot(1, len(dbs), k + 1)
        for l in np.unique(labels):
            ix = np.where(labels == l)
            plt.scatter(points[ix, 0].ravel(), points[ix, 1].ravel(), c=cdict[int(l)], label=int(l), s=10)
        plt.legend()
        plt.title(key)
        plt.axis("equal")
    if title is not None:
        plt.suptitle(title)
    return fig
