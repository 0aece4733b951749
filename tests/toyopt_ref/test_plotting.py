"""Legends never cover data: in the tutorial's dataset and decision-boundary
figures (`toyopt_ref.plotting`) and in the circular_mse feedback picture
(`toyopt.grading.figures`). Measured on the drawn figure, in pixels."""

import numpy as np
import pytest
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg

from toyopt.grading import figures
from toyopt_ref import data, plotting
from toyopt_ref.model import Simple2DNetwork


def drawn(fig):
    """`fig` drawn on an Agg canvas; returns its renderer."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def points_under_legend(ax, points) -> int:
    renderer = drawn(ax.figure)
    box = ax.get_legend().get_window_extent(renderer)
    pixels = ax.transData.transform(points)
    return int(sum(box.contains(x, y) for x, y in pixels))


@pytest.mark.parametrize("name", ["random_data", "circular_data", "spiral_data", "linear_data"])
def test_dataset_legend_covers_no_point(name):
    np.random.seed(0)
    db = data.make_datasets(1000)[name]
    fig = plotting.plot_datasets({name: db, "other": data.linear_2d(50)})
    assert points_under_legend(fig.axes[0], db[0]) == 0


def test_decision_boundary_legend_covers_no_point():
    np.random.seed(0)
    torch.manual_seed(0)
    db = data.make_datasets(1000)["random_data"]
    fig = plotting.plot_decision_boundary(Simple2DNetwork(), db, "random_data: test points")
    assert points_under_legend(fig.axes[0], db[0]) == 0


def test_circular_mse_feedback_legend_is_outside_the_axes(monkeypatch):
    class NoWrap:  # the loss of a circular_mse that does not wrap: it crosses the whole Axes
        def probe(self, name, cases):
            grid = np.asarray(cases[0]["prediction"])
            return {"results": [{"value": (grid ** 2).tolist()}]}

    made = []
    new_figure = figures._new_figure
    monkeypatch.setattr(figures, "_new_figure", lambda *a, **k: made.append(new_figure(*a, **k)) or made[-1])
    figures.draw_circular_mse(NoWrap())
    fig, (ax,) = made[0]
    renderer = drawn(fig)
    assert fig.legends, "the legend moved: check this test's claim"
    assert not fig.legends[0].get_window_extent(renderer).overlaps(ax.get_window_extent(renderer))
