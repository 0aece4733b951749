"""Probes of the `plot_datasets` exercise (self-contained: relative imports only).

The probe calls the student's ``plot_datasets`` on datasets chosen by the
check, on the Agg backend, and summarises the Figure that came back as plain
data: per Axes its title, aspect, legend, position and every point drawn
(scatter `PathCollection` offsets and `Line2D` markers) with its RGBA colour.
Figures opened with pyplot during the call are closed afterwards. Nothing
here decides pass or fail.
"""

import sys

import numpy as np

EXERCISE = "plot_datasets"

_NO_MARKER = (None, "None", "none", "", " ")


def _type_name(value):
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}" if kind.__module__ != "builtins" else kind.__qualname__


def _per_point(colours, count):
    """RGBA rows for `count` points: one colour broadcast, or cycled as
    Matplotlib does when the lengths differ; transparent when there is none."""
    colours = np.asarray(colours, dtype=np.float64).reshape(-1, 4)
    if count == 0:
        return np.zeros((0, 4))
    if len(colours) == 0:
        return np.zeros((count, 4))
    return colours[np.arange(count) % len(colours)]


def _collection_points(coll):
    offsets = coll.get_offsets()
    xy = np.ma.filled(np.ma.asarray(offsets, dtype=np.float64), np.nan).reshape(-1, 2)
    coll.update_scalarmappable()  # maps a numeric c= array through its colormap now
    return (np.array(xy, dtype=np.float64, copy=True),
            _per_point(coll.get_facecolor(), len(xy)),
            _per_point(coll.get_edgecolor(), len(xy)))


def _line_points(line):
    from matplotlib.colors import to_rgba

    xy = np.array(line.get_xydata(), dtype=np.float64, copy=True).reshape(-1, 2)
    alpha = line.get_alpha()
    face = to_rgba(line.get_markerfacecolor(), alpha)
    edge = to_rgba(line.get_markeredgecolor(), alpha)
    return xy, _per_point([face], len(xy)), _per_point([edge], len(xy))


def summarise_axes(ax):
    """Title, aspect, legend, position and drawn points of one Axes."""
    from matplotlib.collections import PathCollection

    parts = []
    for coll in ax.collections:
        if isinstance(coll, PathCollection) and coll.get_visible():
            parts.append(_collection_points(coll))
    for line in ax.get_lines():
        if line.get_visible() and line.get_marker() not in _NO_MARKER:
            parts.append(_line_points(line))
    if parts:
        points, face, edge = (np.concatenate([p[i] for p in parts]) for i in range(3))
    else:
        points, face, edge = np.zeros((0, 2)), np.zeros((0, 4)), np.zeros((0, 4))
    aspect = ax.get_aspect()
    x0, y0, width, height = ax.get_position(original=True).bounds
    return {
        "title": str(ax.get_title()),
        "title_left": str(ax.get_title(loc="left")),
        "title_right": str(ax.get_title(loc="right")),
        "aspect": aspect if isinstance(aspect, str) else float(aspect),
        "has_legend": ax.get_legend() is not None,
        "position": [float(x0), float(y0), float(width), float(height)],
        "points": points,
        "facecolors": face,
        "edgecolors": edge,
    }


def summarise_figure(fig):
    """Plain-data summary of a Figure: suptitle and its Axes in `fig.axes` order."""
    suptitle = getattr(fig, "_suptitle", None)
    return {
        "suptitle": "" if suptitle is None else str(suptitle.get_text()),
        "axes": [summarise_axes(ax) for ax in fig.axes],
    }


def summary(ctx, datasets, title=None, pass_title=True):
    """``plot_datasets({name: (points, labels), ...}[, title=title])``, summarised.

    `datasets` is a list of ``[name, points, labels]`` in mapping order.
    """
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")  # no display; before the student imports pyplot
    from matplotlib.figure import Figure

    dbs = {str(name): (np.array(points, dtype=np.float64), np.array(labels, dtype=np.int64))
           for name, points, labels in datasets}
    before = set()
    if "matplotlib.pyplot" in sys.modules:
        before = set(sys.modules["matplotlib.pyplot"].get_fignums())
    try:
        out = ctx.call(EXERCISE, dbs, title=title) if pass_title else ctx.call(EXERCISE, dbs)
        report = {"returned_type": _type_name(out), "is_figure": isinstance(out, Figure)}
        if report["is_figure"]:
            report.update(summarise_figure(out))
    finally:
        plt = sys.modules.get("matplotlib.pyplot")
        new = sorted(set(plt.get_fignums()) - before) if plt is not None else []
        for num in new:
            plt.close(num)
    report["pyplot_figures_opened"] = len(new)
    return report


PROBES = {"plot_datasets.summary": summary}
