"""Correct: the tutorial's bonus-question style: plt.figure(figsize=(16, 4)) plus fig.add_subplot and np.where indices with a cdict, label=l."""
import matplotlib.pyplot as plt
import numpy as np


def plot_db(data, title, ax):
    points, labels = data
    xs = np.asarray(points)[:, 0]
    ys = np.asarray(points)[:, 1]
    labels = np.asarray(labels)
    cdict = {0: "red", 1: "blue"}
    for l in np.unique(labels):
        ix = np.where(labels == l)
        ax.scatter(xs[ix], ys[ix], c=cdict[int(l)], label=int(l), s=10)
    ax.legend()
    ax.set_title(title)
    ax.axis("equal")


def plot_datasets(dbs, title=None):
    if len(dbs) == 0:
        raise ValueError("dbs is empty")
    fig = plt.figure(figsize=(16, 4))
    for db_ind, (db_key, db_val) in enumerate(dbs.items()):
        ax = fig.add_subplot(1, len(dbs), db_ind + 1)
        plot_db(db_val, db_key, ax)
    if title is not None:
        fig.suptitle(title)
    return fig
