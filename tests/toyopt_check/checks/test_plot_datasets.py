"""Unit tests of `toyopt_check.checks.plot_datasets` and its probe: the figure summary
(scatter colours broadcast or per point, colormaps, Line2D markers, hollow
markers), reading order, the scenarios, pyplot hygiene."""

import numpy as np
import pytest
from matplotlib.colors import ListedColormap, to_rgba
from matplotlib.figure import Figure

import toyopt.checks  # noqa: F401  (registers the hidden checks with all_checks)
from toyopt_check.checks.plot_datasets import describe_call, reading_order, scenarios
from toyopt_check.inside.probes.plot_datasets import summarise_figure, summary
from toyopt_check.inside.runtime import NamespaceContext

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
    every = scenarios()
    counts = sorted(len(s[0]) for s in every)
    assert counts[0] == 1 and counts[-1] == 5
    assert any(len(set(labels.tolist())) == 1 and len(labels) > 1
               for s in every for _, _, labels in s[0])
    assert any(len(points) == 1 for s in every for _, points, _ in s[0])
    assert {s[1] is None for s in every} == {True, False}
    assert any(not s[2] for s in every)  # title argument left out entirely
    assert describe_call(every[0]).startswith("plot_datasets({'")


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


# ----------------------------------------------------- verdicts from the drawing

def _grade(func, target=None):
    from toyopt_check.checks import all_checks, run_checks
    from toyopt_check.checks.target import InProcessTarget

    target = target or InProcessTarget.for_namespace({"plot_datasets": func})
    return {r.id: r for r in run_checks(target, all_checks(("plot_datasets",)), cuda_available=False)}


def _plot(colour_of=lambda label: {0: "red", 1: "blue"}[label], legend_text=str):
    def plot_datasets(dbs, title=None):
        if not dbs:
            raise ValueError("empty")
        fig = Figure(figsize=(4 * len(dbs), 4))
        for k, (name, (points, labels)) in enumerate(dbs.items()):
            ax = fig.add_subplot(1, len(dbs), k + 1)
            for label in sorted(set(np.asarray(labels).tolist())):
                sel = np.asarray(labels) == label
                ax.scatter(points[sel, 0], points[sel, 1], color=colour_of(label), label=legend_text(label))
            ax.legend()
            ax.set_title(name)
            ax.set_aspect("equal")
        if title is not None:
            fig.suptitle(title)
        return fig

    return plot_datasets


class _Forging:
    """A target that rewrites the probe's figure summary before the checks see it."""

    def __init__(self, func, forge):
        from toyopt_check.checks.target import InProcessTarget

        self.inner = InProcessTarget.for_namespace({"plot_datasets": func})
        self.forge = forge

    def probe(self, name, **kwargs):
        out = self.inner.probe(name, **kwargs)
        return self.forge(out, kwargs) if name == "plot_datasets.summary" else out


def test_a_summary_claiming_red_and_blue_does_not_hide_green_pixels():
    def claim_right_colours(out, kwargs):
        for ax, (_, points, labels) in zip(out["axes"], kwargs["datasets"]):
            points, drawn = np.asarray(points), np.asarray(ax["points"]).reshape(-1, 2)
            which = [int(np.argmin(np.abs(points - p).max(axis=1))) for p in drawn]
            rgba = np.array([to_rgba("red" if labels[i] == 0 else "blue") for i in which]).reshape(-1, 4)
            ax["facecolors"], ax["edgecolors"] = rgba, rgba
        return out

    results = _grade(None, _Forging(_plot(colour_of=lambda label: "green"), claim_right_colours))
    assert results["plot_datasets.colours"].status == "failed"
    assert "neither red nor blue" in results["plot_datasets.colours"].message


def test_a_summary_of_points_that_were_never_drawn_fails():
    def blank_figure(fig_dbs, title=None):
        fig = Figure(figsize=(4 * len(fig_dbs), 4))
        for k, name in enumerate(fig_dbs):
            fig.add_subplot(1, len(fig_dbs), k + 1).set_title(name)
        return fig

    real = _Forging(_plot(), lambda out, kwargs: out)

    def paste_real_summary(out, kwargs):  # the true summary of a drawn figure, over a blank PNG
        forged = real.probe("plot_datasets.summary", **kwargs)
        forged["png"] = out["png"]
        return forged

    results = _grade(None, _Forging(blank_figure, paste_real_summary))
    assert results["plot_datasets.points_once"].status == "failed"
    assert "not visible in the drawn figure" in results["plot_datasets.points_once"].message


def test_a_legend_must_name_the_labels():
    results = _grade(_plot(legend_text=lambda label: "points"))
    assert results["plot_datasets.legend"].status == "failed"
    assert "has no entry for label" in results["plot_datasets.legend"].message
    assert _grade(_plot(legend_text=lambda label: f"label {label}"))["plot_datasets.legend"].passed


def test_empty_titled_square_axes_earn_only_the_layout_points():
    def empty_axes(dbs, title=None):
        fig = Figure(figsize=(4 * len(dbs), 4))
        for k, name in enumerate(dbs):
            ax = fig.add_subplot(1, len(dbs), k + 1)
            ax.set_title(name)
            ax.set_aspect("equal")
            ax.legend(["nothing"])
        return fig

    results = _grade(empty_axes)
    assert sum(r.score for r in results.values()) == 5  # returns_figure 2 + axes_count 3


def test_png_larger_than_the_limit_is_not_decoded():
    import struct

    from toyopt_check.checks.plot_datasets import decode_png

    header = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + struct.pack(">II", 100000, 10) + b"\x08\x06\x00\x00\x00"
    assert decode_png(np.frombuffer(header, dtype=np.uint8)) is None
    assert decode_png(np.zeros(10, dtype=np.uint8)) is None
