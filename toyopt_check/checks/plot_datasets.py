"""Checks of `plotting.plot_datasets` (25 points), from the contract in
`toyopt_ref.plotting.plot_datasets`'s docstring (each check's `clause` quotes it).

The datasets are fixed inputs read as data (`expected("plot_datasets")`, from
`toyopt.oracles.plot_datasets`). The probe draws the returned Figure into a PNG
and sends it back with a plain summary of the Figure. Every verdict is computed
here and, wherever pixels can tell, from the pixels: this side decodes the PNG
and finds each data point where the Axes' box and limits put it. Axes are read
top to bottom, then left to right, by their subplot slot.

Primary checks: ``points_once`` and ``colours``; the secondary properties score
only once both pass, so an empty, titled, square figure earns the layout points
only (``returns_figure`` + ``axes_count`` = 5 of 25).

Forgeable facts (for the threat model): the summary is made in the student's
interpreter; these parts of it are used without pixels to confirm them:

* how many times a point is drawn (``points_once``): drawn twice at the same
  place looks the same, so forging the count gains only a bug nobody can see;
* the texts of the Axes titles, the suptitle (``titles_in_order``, ``suptitle``)
  and the legend's entries (``legend``): the pixels confirm that a text, or a
  legend box holding each label's colour, is drawn where reported, not its words.

False Axes boxes or limits (also from the summary) put each point's expected
pixel where the drawing does not show it: forging them consistently means
drawing the figure.
"""

from __future__ import annotations

import io
import re
import struct
import weakref

import numpy as np
from matplotlib.colors import to_rgba

from .core import CheckFailure, check, expect_raise, probe_call
from .expect import expected

EX = "plot_datasets"

#: Drawn points are matched to data points within this distance (max norm):
#: data lie in [-0.9, 0.9] x [-0.55, 0.55] and are stored as float64; a
#: student's float32 conversion moves them by <= 6e-8, distinct data points
#: are >= 0.15 apart.
POINT_ATOL = 1e-6

#: RGB tolerance on an artist's colour: colormaps quantise colours to 8 bits
#: (1/255 = 0.004); red and blue differ from every other named colour by far
#: more than 0.01.
COLOUR_ATOL = 0.01

#: A pixel is "red" when R exceeds both G and B by this much (blue alike).
#: Anti-aliasing blends a marker with the white background: a marker at 30 %
#: coverage is still (1, 0.7, 0.7), 0.3 above; grey, black and white are 0.
PIXEL_MARGIN = 0.25
#: A pixel is "drawn" (not background) when a channel is this far below white.
INK = 0.25

#: Equal aspect: a data unit spans the same number of pixels in x and y.
#: Matplotlib's own ``axis("equal")`` (adjustable "datalim") stops adjusting
#: the limits once they are within 0.5 % (seen here on a one-point dataset:
#: 0.49 %), so 1 % passes every equal aspect; the datasets are 1.6 times
#: wider than tall, so an automatic aspect on a square Axes is off by ~60 %.
ASPECT_RTOL = 1e-2

#: Largest PNG the trusted side decodes (the probe renders ~1600 pixels wide).
MAX_SIDE = 4096

#: Points under a legend are not looked for in the pixels, if the legend
#: covers at most this share of its Axes (a larger one is not a legend box).
LEGEND_MAX_SHARE = 0.4


def colours() -> dict:
    """``{label: colour name}`` of the contract."""
    return {int(k): v for k, v in expected(EX)["colours"].items()}


def scenarios() -> list:
    """The fixed inputs: ``[(datasets, title, pass_title), ...]`` where
    `datasets` is a list of ``(name, points, labels)`` in mapping order."""
    out = []
    for sc in expected(EX)["scenarios"]:
        datasets = [(str(name), np.asarray(points, dtype=np.float64).reshape(-1, 2),
                     np.asarray(labels, dtype=np.int64).reshape(-1))
                    for name, points, labels in sc["datasets"]]
        out.append((datasets, sc["title"], bool(sc["pass_title"])))
    return out


def describe_call(scenario) -> str:
    datasets, title, pass_title = scenario
    inner = ", ".join(
        f"{name!r}: {len(points)} point{'s' if len(points) != 1 else ''}"
        + (f" (label {int(labels[0])} only)" if len(set(labels.tolist())) == 1 and len(points) > 1 else "")
        for name, points, labels in datasets)
    arg = f", title={title!r}" if pass_title else ""
    return f"plot_datasets({{{inner}}}{arg})"


_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


# ------------------------------------------------------------------ pixels


def decode_png(data) -> np.ndarray | None:
    """RGB floats in [0, 1], ``(height, width, 3)``, composited over white;
    None for anything that is not a PNG of at most MAX_SIDE pixels a side
    (the size is read from the header before anything is decoded)."""
    try:
        raw = np.asarray(data, dtype=np.uint8).reshape(-1).tobytes()
    except (TypeError, ValueError):
        return None
    if len(raw) < 24 or not raw.startswith(b"\x89PNG\r\n\x1a\n") or raw[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", raw[16:24])
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        return None
    from PIL import Image

    try:
        with Image.open(io.BytesIO(raw)) as img:
            if img.size != (width, height):
                return None
            pixels = np.asarray(img.convert("RGBA"))
    except Exception:
        return None
    if pixels[..., 3].min() == 255:  # opaque (a white face): the same floats, composited or not
        return pixels[..., :3].astype(np.float64) / 255.0
    rgba = pixels.astype(np.float64) / 255.0
    alpha = rgba[..., 3:]
    return rgba[..., :3] * alpha + (1.0 - alpha)


def colour_masks(rgb: np.ndarray) -> dict:
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return {"red": r - np.maximum(g, b) > PIXEL_MARGIN,
            "blue": b - np.maximum(r, g) > PIXEL_MARGIN,
            "ink": rgb.min(axis=2) < 1.0 - INK}


def _drawing(target, index) -> tuple[dict, np.ndarray, dict]:
    """``(summary, image, masks)`` of scenario `index`, cached per target (every
    check reads the same figures; the probe's summary alone under `index`, for the
    feedback's figures); raises CheckFailure when no Figure came back or it
    could not be drawn."""
    cache = _CACHE.setdefault(target, {})
    key = ("drawing", index)
    if key in cache:
        return cache[key]
    datasets, title, pass_title = scenario = scenarios()[index]
    call = describe_call(scenario)
    if index not in cache:
        cache[index] = probe_call(target, call, "plot_datasets.summary", datasets=[list(d) for d in datasets],
                                  title=title, pass_title=pass_title)
    out = cache[index]
    if not out.get("is_figure"):
        raise CheckFailure(
            f"{call}: expected a matplotlib Figure back, got {out.get('returned_type')}: build the "
            "figure and return it (e.g. `return fig`)")
    if out.get("render_error"):
        raise CheckFailure(f"{call}: the returned figure cannot be drawn (fig.savefig failed: "
                           f"{out['render_error']})")
    image = decode_png(out.get("png"))
    if image is None or not isinstance(out.get("axes"), list):
        raise CheckFailure(f"{call}: the returned figure could not be drawn into an image")
    cache[key] = (out, image, colour_masks(image))
    return cache[key]


def _floats(value, count):
    try:
        arr = np.asarray(value, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        return None
    return arr if len(arr) == count and np.all(np.isfinite(arr)) else None


def to_pixels(ax: dict, height: int, points: np.ndarray):
    """The image's ``(columns, rows)`` of the data `points` ``(n, 2)``, from the
    Axes' drawn box and limits; None when they are missing or not linear."""
    box, xlim, ylim = _floats(ax.get("box"), 4), _floats(ax.get("xlim"), 2), _floats(ax.get("ylim"), 2)
    if box is None or xlim is None or ylim is None or box[2] <= 0 or box[3] <= 0:
        return None
    if list(ax.get("scales") or []) != ["linear", "linear"] or xlim[0] == xlim[1] or ylim[0] == ylim[1]:
        return None
    x = box[0] + (points[:, 0] - xlim[0]) / (xlim[1] - xlim[0]) * box[2]
    y = box[1] + (points[:, 1] - ylim[0]) / (ylim[1] - ylim[0]) * box[3]
    return x, height - y


def _disk(mask, col, row, radius):
    """Pixels of `mask` within `radius` of (col, row)."""
    h, w = mask.shape
    c0, c1 = max(int(np.floor(col - radius)), 0), min(int(np.ceil(col + radius)) + 1, w)
    r0, r1 = max(int(np.floor(row - radius)), 0), min(int(np.ceil(row + radius)) + 1, h)
    rr, cc = np.mgrid[r0:r1, c0:c1]
    near = (rr + 0.5 - row) ** 2 + (cc + 0.5 - col) ** 2 <= radius ** 2
    return int(mask[r0:r1, c0:c1][near].sum())


def _inside(box, col, row, height):
    x0, y0, w, h = box
    return x0 <= col <= x0 + w and y0 <= height - row <= y0 + h


def seen_colours(out, image, masks, ax, points) -> list:
    """For each data point, what the drawing shows at its place: ``"red"``,
    ``"blue"``, ``"other"`` (drawn, another colour), ``"nothing"``,
    ``"outside"`` (beyond the Axes' limits) or ``"hidden"`` (under the legend)."""
    height = image.shape[0]
    pixels = to_pixels(ax, height, points)
    if pixels is None:
        return ["nothing"] * len(points)
    dpi = float(out.get("dpi") or 100.0)
    marker = max(float(ax.get("marker_points") or 0.0), 1.0)
    radius = marker / 2 * dpi / 72  # the largest marker's radius, in pixels
    inner, outer = min(max(0.5 * radius, 1.5), 6.0), radius + 1.5
    box = _floats(ax.get("box"), 4)
    legend = _floats(ax.get("legend_box"), 4) if ax.get("legend_visible") else None
    if legend is not None and legend[2] * legend[3] > LEGEND_MAX_SHARE * box[2] * box[3]:
        legend = None
    seen = []
    for col, row in zip(*pixels):
        if not _inside(box, col, row, height):
            seen.append("outside")
            continue
        if legend is not None and _inside(legend, col, row, height):
            seen.append("hidden")
            continue
        red, blue = _disk(masks["red"], col, row, inner), _disk(masks["blue"], col, row, inner)
        if red + blue == 0:
            red, blue = _disk(masks["red"], col, row, outer), _disk(masks["blue"], col, row, outer)
        if red + blue > 0:
            seen.append("red" if red >= blue else "blue")
        elif _disk(masks["ink"], col, row, outer) > 0:
            seen.append("other")
        else:
            seen.append("nothing")
    return seen


def _box_has(mask, box, height, least=3) -> bool:
    box = _floats(box, 4)
    if box is None:
        return False
    x0, y0, w, h = box
    c0, c1 = max(int(x0), 0), min(int(np.ceil(x0 + w)), mask.shape[1])
    r0, r1 = max(int(height - (y0 + h)), 0), min(int(np.ceil(height - y0)), mask.shape[0])
    return c0 < c1 and r0 < r1 and int(mask[r0:r1, c0:c1].sum()) >= least


# ------------------------------------------------------------------ axes


def reading_order(axes: list[dict]) -> list[dict]:
    """Axes sorted top to bottom, then left to right, by their subplot slot
    (ties keep `fig.axes` order)."""
    def key(ax):
        x0, y0, _, height = (float(v) for v in ax["position"])
        return (-round(y0 + height, 3), round(x0, 3))

    return sorted(axes, key=key)


def _title(ax) -> str:
    return ax["title"] or ax["title_left"] or ax["title_right"]


def _each_dataset(target):
    """Yield ``(call, name, points, labels, Axes summary, (summary, image, masks))``
    per dataset; its Axes is the one titled with its name, else the one at its
    place in reading order."""
    for index, scenario in enumerate(scenarios()):
        drawing = _drawing(target, index)
        axes = reading_order(drawing[0]["axes"])
        for k, (name, points, labels) in enumerate(scenario[0]):
            titled = [ax for ax in axes if _title(ax) == name]
            ax = titled[0] if len(titled) == 1 else axes[k] if k < len(axes) else None
            if ax is None:
                raise CheckFailure(f"{describe_call(scenario)}: found no Axes for dataset {name!r}")
            yield describe_call(scenario), name, points, labels, ax, drawing


def _point(points, i) -> str:
    return f"point {int(i)} {points[i].round(4).tolist()}"


def _matches(points, drawn):
    """Boolean (len(points), len(drawn)): drawn point j is data point i."""
    drawn = np.asarray(drawn, dtype=np.float64).reshape(-1, 2)
    gap = np.abs(points[:, None, :] - drawn[None, :, :]).max(axis=2)
    return gap <= POINT_ATOL  # NaN compares False: a NaN point matches nothing


def _point_colour(ax, j):
    face = np.asarray(ax["facecolors"], dtype=np.float64)[j]
    edge = np.asarray(ax["edgecolors"], dtype=np.float64)[j]
    return face if face[3] > 0 else edge  # hollow markers show their edge colour


def _is_colour(rgba, name) -> bool:
    return np.allclose(np.asarray(rgba, dtype=np.float64)[:3], to_rgba(name)[:3], atol=COLOUR_ATOL)


def _colour_name(rgba):
    for name in ("red", "blue", "green", "orange", "black", "purple", "tab:blue", "tab:orange"):
        if _is_colour(rgba, name):
            return name
    return "RGBA(" + ", ".join(f"{v:.2f}" for v in rgba) + ")"


def names_label(text: str, label: int) -> bool:
    """A legend text names `label`: the number as a word of its own
    (``0``, ``label 0``, ``class 0``, ``0.0``, ``$\\mathdefault{0}$``)."""
    return re.search(rf"(?<![\w.]){label}(\.0+)?(?![\w.])", str(text)) is not None


# ------------------------------------------------------------------ checks

#: Primary checks: the secondary ones score only once these pass.
VALUES = ("points_once", "colours")


@check(EX, "returns_figure", 2, "returns the Figure (not None, not only shown), and it can be drawn",
       clause="the figure is returned (not only shown) and can be drawn")
def check_returns_figure(target):
    for index in range(len(scenarios())):
        _drawing(target, index)


def one_row(axes: list[dict]) -> bool:
    """Every Axes' vertical centre lies within every other's vertical extent
    (their subplot slots, before any aspect adjustment: one row)."""
    spans = []
    for ax in axes:
        pos = _floats(ax.get("position"), 4)
        if pos is None:
            return False
        spans.append((pos[1], pos[1] + pos[3]))
    return all(lo <= (a + b) / 2 <= hi for a, b in spans for lo, hi in spans)


@check(EX, "axes_count", 3, "one Axes per dataset, side by side in one row",
       clause="the figure has exactly ``len(dbs)`` Axes, side by side")
def check_axes_count(target):
    for index, scenario in enumerate(scenarios()):
        axes = _drawing(target, index)[0]["axes"]
        want = len(scenario[0])
        if len(axes) != want:
            raise CheckFailure(
                f"{describe_call(scenario)}: expected {want} Axes (one per dataset) in the returned "
                f"figure, got {len(axes)}")
        if not one_row(axes):
            raise CheckFailure(
                f"{describe_call(scenario)}: expected the {want} Axes side by side in one row "
                f"(e.g. fig.add_subplot(1, {want}, k)), but they are on more than one row")


@check(EX, "points_once", 5, "every point drawn exactly once, at its coordinates",
       clause="every point is drawn exactly once at its coordinates")
def check_points_once(target):
    for call, name, points, _labels, ax, (out, image, masks) in _each_dataset(target):
        close = _matches(points, ax["points"])
        per_point = close.sum(axis=1)
        extra = int((close.sum(axis=0) == 0).sum())
        where = f"{call}, Axes {name!r}"
        if (per_point == 0).any():
            i = np.argmax(per_point == 0)
            raise CheckFailure(f"{where}: {_point(points, i)} is not drawn "
                               f"({int((per_point == 0).sum())} of {len(points)} points missing)")
        if (per_point > 1).any():
            i = np.argmax(per_point > 1)
            raise CheckFailure(f"{where}: {_point(points, i)} is drawn {int(per_point[i])} times; draw every "
                               "point exactly once")
        if extra:
            raise CheckFailure(f"{where}: {extra} drawn point(s) are not points of the dataset "
                               f"(expected exactly {len(points)} points)")
        for i, what in enumerate(seen_colours(out, image, masks, ax, points)):
            if what in ("nothing", "outside"):
                why = "outside the Axes' limits" if what == "outside" else "not visible"
                raise CheckFailure(f"{where}: {_point(points, i)} is {why} in the drawn figure (saved as an image)")


@check(EX, "colours", 4, "label-0 points red, label-1 points blue",
       clause="label-0 points in red and label-1 points in blue")
def check_colours(target):
    named = colours()
    for call, name, points, labels, ax, (out, image, masks) in _each_dataset(target):
        close = _matches(points, ax["points"])
        if not close.any() and len(points):
            raise CheckFailure(f"{call}, Axes {name!r}: none of the dataset's points is drawn")
        for i, j in zip(*np.nonzero(close)):
            rgba = _point_colour(ax, j)
            label = int(labels[i])
            if not (_is_colour(rgba, named[label]) and rgba[3] > 0):
                raise CheckFailure(f"{call}, Axes {name!r}: {_point(points, i)} has label {label}, so it "
                                   f"should be {named[label]}; it is drawn in {_colour_name(rgba)}")
        for i, what in enumerate(seen_colours(out, image, masks, ax, points)):
            label = int(labels[i])
            if what != "hidden" and what != named[label]:
                shows = {"nothing": "nothing", "outside": "nothing (it is outside the limits)",
                         "other": "neither red nor blue"}.get(what, what)
                raise CheckFailure(f"{call}, Axes {name!r}: {_point(points, i)} has label {label}, so it "
                                   f"should look {named[label]}; the drawn figure shows {shows} there")


@check(EX, "titles_in_order", 3, "Axes titled with the keys, in the mapping's order",
       clause="in the mapping's order, left to right, each titled with its dataset's key", requires=VALUES)
def check_titles_in_order(target):
    for index, scenario in enumerate(scenarios()):
        out, image, masks = _drawing(target, index)
        axes = reading_order(out["axes"])
        titles = [_title(ax) for ax in axes]
        want = [name for name, _, _ in scenario[0]]
        if titles != want:
            raise CheckFailure(
                f"{describe_call(scenario)}: expected Axes titled {want} (left to right), "
                f"got {titles}")
        for ax in axes:
            if ax["title"] and not _box_has(masks["ink"], ax.get("title_box"), image.shape[0]):
                raise CheckFailure(f"{describe_call(scenario)}: the title {ax['title']!r} is not "
                                   "visible in the drawn figure")


@check(EX, "legend", 2, "each Axes has a legend naming its labels",
       clause="each Axes has a legend with an entry per label present", requires=VALUES)
def check_legend(target):
    named = colours()
    for call, name, _, labels, ax, (_out, image, masks) in _each_dataset(target):
        if not ax.get("has_legend") or not ax.get("legend_visible"):
            raise CheckFailure(f"{call}: Axes {name!r} has no legend (call ax.legend())")
        texts = [str(t) for t in ax.get("legend_texts") or []]
        shades = list(ax.get("legend_colours") or [])
        if not texts:
            raise CheckFailure(f"{call}: the legend of Axes {name!r} is empty: give each scatter a "
                               "label= (e.g. label=0) before calling ax.legend()")
        for label in sorted(set(labels.tolist())):
            entries = [k for k, t in enumerate(texts) if names_label(t, label)]
            if not entries:
                raise CheckFailure(f"{call}: the legend of Axes {name!r} has no entry for label "
                                   f"{label} (its texts: {texts})")
            if not any(k < len(shades) and _is_colour(shades[k], named[label]) for k in entries):
                raise CheckFailure(f"{call}: the legend entry for label {label} of Axes {name!r} "
                                   f"is not drawn in {named[label]}")
            if not _box_has(masks[named[label]], ax.get("legend_box"), image.shape[0], least=1):
                raise CheckFailure(f"{call}: the legend of Axes {name!r} shows no {named[label]} "
                                   "marker in the drawn figure")


@check(EX, "aspect", 2, "each Axes has equal aspect", clause="each Axes has equal aspect", requires=VALUES)
def check_aspect(target):
    for call, name, _, _, ax, _drawn in _each_dataset(target):
        box, xlim, ylim = _floats(ax.get("box"), 4), _floats(ax.get("xlim"), 2), _floats(ax.get("ylim"), 2)
        if box is None or xlim is None or ylim is None:
            raise CheckFailure(f"{call}: Axes {name!r} has no drawn box")
        per_x = box[2] / abs(xlim[1] - xlim[0])
        per_y = box[3] / abs(ylim[1] - ylim[0])
        if not abs(per_x / per_y - 1.0) <= ASPECT_RTOL:
            raise CheckFailure(
                f"{call}: Axes {name!r} has unequal aspect: one unit is {per_x:.1f} pixels along x "
                f"but {per_y:.1f} along y (use ax.axis('equal') or ax.set_aspect('equal'))")


@check(EX, "empty_mapping", 2, "an empty mapping raises ValueError",
       clause="an empty mapping raises `ValueError`", requires=VALUES)
def check_empty_mapping(target):
    expect_raise(target.probe("plot_datasets.empty"), "plot_datasets({})", ("ValueError",), "nothing to plot",
                 article="")
