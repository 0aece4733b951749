"""Probes of the `plot_datasets` exercise.

The student's ``plot_datasets`` runs on the Agg backend; the Figure it returns is drawn
into an in-memory PNG, sent as bytes with a plain summary: per Axes its title, aspect,
legend, position, every point drawn (scatter offsets and `Line2D` markers) with its
RGBA colour, and the pixel boxes that let the trusted side find each point, title and
legend in the PNG. Figures opened with pyplot during the call are closed afterwards.
"""

import contextlib
import io
import sys

import numpy as np

from ..replies import Array, Blob, Reply, per_input
from ..runtime import type_name

EXERCISE = "plot_datasets"

_NO_MARKER = (None, "None", "none", "", " ")


def _per_point(colours, count):
    """RGBA rows for `count` points: one colour broadcast or cycled, as Matplotlib does; transparent if none."""
    colours = np.asarray(colours, dtype=np.float64).reshape(-1, 4)
    if len(colours) == 0:
        return np.zeros((count, 4))
    return colours[np.arange(count) % len(colours)]


def _collection_points(coll):
    xy = np.ma.filled(np.ma.asarray(coll.get_offsets(), dtype=np.float64), np.nan).reshape(-1, 2)
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


#: The PNG's longer side, in pixels (the dpi is chosen for it, within DPI_RANGE).
RENDER_PIXELS = 1600
DPI_RANGE = (40.0, 200.0)


def _box(artist):
    """An artist's drawn box in pixels ``[x0, y0, width, height]`` (origin bottom left), or None."""
    try:
        bounds = artist.get_window_extent().bounds
    except Exception:
        return None
    return [float(v) for v in bounds]


def _legend_report(ax):
    legend = ax.get_legend()
    if legend is None:
        return {"has_legend": False, "legend_texts": [], "legend_colours": [], "legend_box": None,
                "legend_visible": False}
    return {"has_legend": True, "legend_texts": [str(t.get_text()) for t in legend.get_texts()],
            "legend_colours": [_handle_colour(h) for h in legend.legend_handles], "legend_box": _box(legend),
            "legend_visible": bool(legend.get_visible())}


def _handle_colour(handle):
    """The RGBA a legend handle shows (its face, else its edge); zeros when unknown."""
    from matplotlib.colors import to_rgba

    try:
        if hasattr(handle, "get_facecolor"):
            face = np.asarray(handle.get_facecolor(), dtype=np.float64).reshape(-1, 4)
            if len(face) and face[0, 3] > 0:
                return [float(v) for v in face[0]]
            edge = np.asarray(handle.get_edgecolor(), dtype=np.float64).reshape(-1, 4)
            if len(edge):
                return [float(v) for v in edge[0]]
        if hasattr(handle, "get_markerfacecolor"):
            face = to_rgba(handle.get_markerfacecolor())
            if face[3] > 0:
                return [float(v) for v in face]
            return [float(v) for v in to_rgba(handle.get_markeredgecolor())]
        if hasattr(handle, "get_color"):
            return [float(v) for v in to_rgba(handle.get_color())]
    except Exception:
        pass
    return [0.0, 0.0, 0.0, 0.0]


def _marker_points(collections, lines):
    """The largest marker size drawn, in points (diameter)."""
    sizes = [0.0] + [float(line.get_markersize()) for line in lines]
    for coll in collections:
        s = np.asarray(coll.get_sizes(), dtype=np.float64).ravel()
        if len(s):
            sizes.append(float(np.sqrt(np.nanmax(s))))
    return max(sizes)


def summarise_axes(ax):
    """Title, aspect, legend, position and drawn points of one Axes."""
    from matplotlib.collections import PathCollection

    collections = [c for c in ax.collections if isinstance(c, PathCollection) and c.get_visible()]
    lines = [line for line in ax.get_lines() if line.get_visible() and line.get_marker() not in _NO_MARKER]
    parts = [*map(_collection_points, collections), *map(_line_points, lines)]
    if parts:
        points, face, edge = (np.concatenate([p[i] for p in parts]) for i in range(3))
    else:
        points, face, edge = np.zeros((0, 2)), np.zeros((0, 4)), np.zeros((0, 4))
    aspect = ax.get_aspect()
    x0, y0, width, height = ax.get_position(original=True).bounds
    return {
        "title": str(ax.get_title()), "title_left": str(ax.get_title(loc="left")),
        "title_right": str(ax.get_title(loc="right")),
        "aspect": aspect if isinstance(aspect, str) else float(aspect),
        "position": [float(x0), float(y0), float(width), float(height)],
        "box": _box(ax.patch) if ax.get_visible() else None,
        "xlim": [float(v) for v in ax.get_xlim()], "ylim": [float(v) for v in ax.get_ylim()],
        "scales": [str(ax.get_xscale()), str(ax.get_yscale())],
        "title_box": _box(ax.title) if ax.get_title() else None,
        "marker_points": _marker_points(collections, lines),
        **_legend_report(ax),
        "points": points, "facecolors": face, "edgecolors": edge,
    }


def render(fig):
    """Draw `fig` into a PNG in memory: ``(png bytes, dpi)``, the dpi making its longer side
    about `RENDER_PIXELS`; the figure keeps it, so that pixel boxes read afterwards are the drawing's."""
    import matplotlib

    width, height = (float(v) for v in fig.get_size_inches())
    longest = max(width, height, 1e-3)
    dpi = min(max(RENDER_PIXELS / longest, DPI_RANGE[0]), DPI_RANGE[1])
    fig.set_dpi(dpi)
    buf = io.BytesIO()
    with matplotlib.rc_context({"savefig.bbox": "standard", "savefig.transparent": False}):
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue(), dpi


def summarise_figure(fig):
    """Plain-data summary of a Figure: the PNG of the figure (``png``, ``dpi``) or
    ``render_error``, the suptitle and its Axes in `fig.axes` order."""
    try:
        png, dpi = render(fig)
        report = {"png": np.frombuffer(png, dtype=np.uint8).copy(), "dpi": float(dpi), "render_error": None}
    except Exception as exc:
        report = {"png": None, "dpi": None, "render_error": f"{type(exc).__name__}: {exc}"[:500]}
    suptitle = getattr(fig, "_suptitle", None)
    text = "" if suptitle is None else str(suptitle.get_text())
    report.update(suptitle=text, suptitle_box=_box(suptitle) if text else None,
                  axes=[summarise_axes(ax) for ax in fig.axes])
    return report


@contextlib.contextmanager
def _closing_new_figures():
    """Run the block on the Agg backend (no display; chosen before pyplot is first
    imported), then close the pyplot figures it opened; yields a list that gets their count."""
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    from matplotlib import pyplot

    before = set(pyplot.get_fignums())
    opened = []
    try:
        yield opened
    finally:
        new = sorted(set(pyplot.get_fignums()) - before)
        for num in new:
            pyplot.close(num)
        opened.append(len(new))


def summary(ctx, datasets, title=None, pass_title=True):
    """``plot_datasets({name: (points, labels), ...}[, title=title])``, summarised;
    `datasets` is a list of ``[name, points, labels]`` in mapping order."""
    dbs = {str(name): (np.array(points, dtype=np.float64), np.array(labels, dtype=np.int64))
           for name, points, labels in datasets}
    with _closing_new_figures() as opened:
        from matplotlib.figure import Figure

        out = ctx.call(EXERCISE, dbs, title=title) if pass_title else ctx.call(EXERCISE, dbs)
        report = {"returned_type": type_name(out), "is_figure": isinstance(out, Figure)}
        if report["is_figure"]:
            report.update(summarise_figure(out))
    report["pyplot_figures_opened"] = opened[0]
    return report


def empty(ctx):
    """``plot_datasets({})``: `Context.outcome`."""
    with _closing_new_figures():
        return ctx.outcome(EXERCISE, {})


PROBES = {"plot_datasets.summary": summary, "plot_datasets.empty": empty}

#: Bytes of the PNG a figure summary may carry (the figures drawn are a few hundred
#: pixels a side: tens of kB; 4 MB is far beyond any honest one, and under the frame cap)
PNG_BYTES = 4_000_000
BOX = ([float], None)
AXES = {"title": str, "title_left": str, "title_right": str, "aspect": (str, float),
        "has_legend": bool, "legend_visible": bool, "legend_texts": [str],
        "legend_colours": [[float]], "legend_box": BOX, "title_box": BOX, "box": BOX,
        "position": [float], "xlim": [float], "ylim": [float], "scales": [str], "marker_points": (float, None),
        "points": Array("f", (2, 2)), "facecolors": Array("f", (2, 2)), "edgecolors": Array("f", (2, 2))}
REPLIES = {
    # per point drawn: xy + two RGBA = 10 numbers, from 3 sent; a point drawn twice fits;
    # plus the rendering: a PNG of at most PNG_BYTES, bounded apart (a `Blob`)
    "plot_datasets.summary": Reply({"returned_type": str, "is_figure": bool, "suptitle": str,
                                    "suptitle_box": BOX, "axes": [AXES], "pyplot_figures_opened": int,
                                    "dpi": (float, None), "png": (Blob(PNG_BYTES), None),
                                    "render_error": (str, None)}, per_input(8)),
    "plot_datasets.empty": Reply({"raised": ([str], None), "message": str, "returned_type": str}),
}
