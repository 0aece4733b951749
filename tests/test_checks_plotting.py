"""Unit tests of `toyopt.checks.plotting` and its probe: the figure summary
(scatter colours broadcast or per point, colormaps, Line2D markers, hollow
markers), reading order, the scenarios, pyplot hygiene."""

import numpy as np
import pytest
from matplotlib.colors import ListedColormap, to_rgba
from matplotlib.figure import Figure

from toyopt.checks.plotting import SCENARIOS, describe_call, reading_order
from toyopt.probes.plot_datasets import summarise_figure, summary
from toyopt.probes.runtime import NamespaceContext

RED, BLUE = np.array(to_rgba("red")), np.array(to_rgba("blue"))


def test_single_colour_scatter_is_broadcast_to_every_point():
    fig = Figure()
    ax = fig.add_subplot(1, 1, 1)
    ax.scatter([0, 1, 2], [0, 1, 2], c="red")
    axes = summarise_figure(fig)["axes"]
    assert axes[0]["points"].shape == (3, 2)
    np.testing.assert_allclose(axes[0]["facecolors"], np.tile(RED, (3, 1)))


def test_numeric_c_array_is_mapped_through_its_colormap():
    fig = Figure()
    ax = fig.add_subplot(1, 1, 1)
    ax.scatter([0, 1], [0, 1], c=[0, 1], cmap=ListedColormap(["red", "blue"]), vmin=0, vmax=1)
    face = summarise_figure(fig)["axes"][0]["facecolors"]
    np.testing.assert_allclose(face, [RED, BLUE])


def test_line_markers_count_as_points_and_plain_lines_do_not():
    fig = Figure()
    ax = fig.add_subplot(1, 1, 1)
    ax.plot([0, 1], [2, 3], "bo")
    ax.plot([0, 1], [0, 0], "-k")
    out = summarise_figure(fig)["axes"][0]
    np.testing.assert_allclose(out["points"], [[0, 2], [1, 3]])
    np.testing.assert_allclose(out["facecolors"], [BLUE, BLUE])


def test_hollow_markers_report_their_edge_colour():
    fig = Figure()
    ax = fig.add_subplot(1, 1, 1)
    ax.scatter([0.5], [0.5], facecolors="none", edgecolors="red")
    out = summarise_figure(fig)["axes"][0]
    assert out["facecolors"][0][3] == 0
    np.testing.assert_allclose(out["edgecolors"][0], RED)


def test_suptitle_is_empty_when_none_was_set():
    fig = Figure()
    assert summarise_figure(fig)["suptitle"] == ""
    fig.suptitle("hello")
    assert summarise_figure(fig)["suptitle"] == "hello"


def test_reading_order_follows_subplot_slots_not_creation_order():
    fig = Figure()
    right = fig.add_subplot(1, 2, 2)
    left = fig.add_subplot(1, 2, 1)
    right.set_title("right")
    left.set_title("left")
    axes = summarise_figure(fig)["axes"]
    assert [a["title"] for a in axes] == ["right", "left"]
    assert [a["title"] for a in reading_order(axes)] == ["left", "right"]


def test_scenarios_cover_one_to_five_datasets_single_labels_and_both_title_cases():
    counts = sorted(len(s[0]) for s in SCENARIOS)
    assert counts[0] == 1 and counts[-1] == 5
    assert any(len(set(labels.tolist())) == 1 and len(labels) > 1
               for s in SCENARIOS for _, _, labels in s[0])
    assert any(len(points) == 1 for s in SCENARIOS for _, points, _ in s[0])
    assert {s[1] is None for s in SCENARIOS} == {True, False}
    assert any(not s[2] for s in SCENARIOS)  # title argument left out entirely
    assert describe_call(SCENARIOS[0]).startswith("plot_datasets({'")


def test_probe_closes_pyplot_figures_it_did_not_return():
    plt = pytest.importorskip("matplotlib.pyplot")

    def many_figures(dbs, title=None):
        for _ in range(3):
            plt.figure()
        return plt.figure()

    out = summary(NamespaceContext({"plot_datasets": many_figures}),
                  [["a", [[0.0, 0.0]], [0]]], title=None)
    assert out["is_figure"] and out["pyplot_figures_opened"] == 4
    assert plt.get_fignums() == []
