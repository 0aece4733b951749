# Generated from toyopt_ref/plotting.py by `toyopt release`.
# Your copy: complete the functions that raise NotImplementedError.
"""Figures of the tutorial: datasets, loss shapes, learning curves, decision boundaries.

Every function builds a `matplotlib.figure.Figure` directly (no pyplot state,
no display needed) and returns it; save it with ``fig.savefig(path)``.
"""

import numpy as np
from matplotlib.figure import Figure

from .data import check_db
from .errors import InvalidInputError

#: Colour of each label, as in the tutorial.
LABEL_COLOURS = {0: "red", 1: "blue"}


def plot_db(data, title, ax=None):
    """Scatter one dataset on `ax` (a new 4x4 figure if None): label 0 red,
    label 1 blue, one scatter per label present, legend, title, equal aspect.
    Returns the Axes."""
    points, labels = check_db(data, name=str(title))
    if ax is None:
        ax = Figure(figsize=(4, 4)).add_subplot(1, 1, 1)
    for label in np.unique(labels):
        mask = labels == label
        colour = LABEL_COLOURS.get(int(label))
        if colour is None:
            raise InvalidInputError(f"{title}: labels must be 0 or 1, found {label!r}")
        ax.scatter(points[mask, 0], points[mask, 1], c=colour, label=int(label), s=10)
    if len(points):  # the data fill the Axes, so no corner is free: the legend gets a band above them
        low, high = points[:, 1].min(), points[:, 1].max()
        ax.update_datalim([(points[0, 0], high + 0.3 * max(high - low, 1e-9))])
    ax.legend(loc="upper right", ncol=2, handletextpad=0.1, columnspacing=0.8)
    ax.set_title(title)
    ax.axis("equal")
    return ax


def plot_datasets(dbs, title=None):
    """One row of scatter plots, one Axes per dataset, as a new Figure.

    Contract (what the autograder checks):

    - `dbs` is a non-empty mapping ``{name: (points, labels)}`` with labels 0
      and 1; the figure has exactly ``len(dbs)`` Axes, side by side
      (one row, e.g. ``fig.add_subplot(1, len(dbs), k)``);
    - the Axes are in the mapping's order, left to right, each titled with its
      dataset's key;
    - in each Axes every point is drawn exactly once at its coordinates (as a
      scatter or as markers: any artist that draws points);
    - label-0 points in red and label-1 points in blue (``"red"``/``"blue"``,
      i.e. ``#ff0000``/``#0000ff``);
    - each Axes has a legend with an entry per label present, whose text
      names the label (``0``, ``label 0``, ...) and whose marker has its colour;
      an empty legend is not a legend;
    - each Axes has equal aspect: a unit along x is as long as one along y
      (``ax.axis("equal")`` or ``ax.set_aspect("equal")``);
    - `title`, when given, is the figure's suptitle (``fig.suptitle``); with
      no title (``None``) the figure has no suptitle;
    - the figure is returned (not only shown) and can be drawn
      (``fig.savefig`` works); it may be built with pyplot
      (``plt.subplots``) or without (``Figure()``), and showing it as well
      is not checked;
    - an empty mapping raises `ValueError`.
    """
    # YOUR CODE HERE
    raise NotImplementedError("plot_datasets: not implemented yet")


def plot_loss_shapes(losses, target=0.0):
    """Each criterion's elementwise error against the prediction, target fixed.

    `losses` maps names to criteria built with ``reduction='none'``; a name
    containing ``BCE`` but not ``Logits`` is plotted on [0, 1) (it needs
    probabilities), the others on [-2, 2).
    """
    import torch

    fig = Figure(figsize=(4 * len(losses), 4))
    for index, (name, criterion) in enumerate(losses.items()):
        if "BCE" in name and "Logits" not in name:
            xs = torch.arange(0, 1, 0.01, dtype=torch.float64)
        else:
            xs = torch.arange(-2, 2, 0.01, dtype=torch.float64)
        ys = criterion(xs, torch.full_like(xs, float(target)))
        ax = fig.add_subplot(1, len(losses), index + 1)
        ax.plot(xs.numpy(), ys.detach().numpy(), color="red", linewidth=3)
        ax.set_title(name)
        ax.set_xlabel("prediction")
        if index == 0:
            ax.set_ylabel(f"error (target = {target:g})")
    fig.tight_layout()
    return fig


def plot_learning_curves(log, title=None):
    """Accuracy and loss per epoch, train and test, from a `TrainLog`."""
    fig = Figure(figsize=(12, 4.5))
    for index, (what, train, test) in enumerate((
        ("accuracy (%)", log.train_acc, log.test_acc),
        ("loss", log.train_loss, log.test_loss),
    )):
        ax = fig.add_subplot(1, 2, index + 1)
        ax.plot(train, label="train")
        ax.plot(test, label="test")
        ax.set_xlabel("epoch")
        ax.set_ylabel(what)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_decision_boundary(model, db, title=None, resolution=200, margin=0.2, device=None):
    """The model's decision regions (prediction >= 0.5 is label 1) under the
    dataset's points, with the 0.5 contour drawn as the boundary."""
    import torch

    points, labels = check_db(db)
    if len(points) == 0:
        raise InvalidInputError("cannot draw a decision boundary over an empty dataset")
    lo = points.min(axis=0) - margin
    hi = points.max(axis=0) + margin
    hi[1] += 0.3 * (hi[1] - lo[1])  # the regions also fill the legend's band above the points (see plot_db)
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
    if device is None:
        device = next(iter(model.parameters())).device
    was_training = model.training
    model.eval()
    with torch.no_grad():
        out = model(torch.as_tensor(grid, dtype=torch.float32, device=device)).reshape(-1)
    model.train(was_training)
    zz = out.cpu().numpy().reshape(gx.shape)
    fig = Figure(figsize=(5, 5))
    ax = fig.add_subplot(1, 1, 1)
    ax.contourf(gx, gy, zz >= 0.5, levels=[-0.5, 0.5, 1.5], colors=["#f4b6b6", "#b6c8f4"], alpha=0.8)
    if zz.min() < 0.5 < zz.max():
        ax.contour(gx, gy, zz, levels=[0.5], colors="black", linewidths=1.5)
    plot_db((points, labels), title or "decision boundary", ax)
    return fig
