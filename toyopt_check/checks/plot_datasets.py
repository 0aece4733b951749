"""Checks of `plotting.plot_datasets` (25 points), from the contract in
`toyopt_ref.plotting.plot_datasets`'s docstring.

The datasets are chosen here (seeded, so every run is the same): 1 to 5
datasets with random names and sizes, labels interleaved, one dataset holding
a single label, one holding a single point. The probe returns a plain summary
of the Figure (see `toyopt.probes.plot_datasets`); every verdict is computed
below. Axes are read in reading order (top to bottom, then left to right, by
their subplot slot), so the layout may be a row or a grid.
"""

from __future__ import annotations

import weakref

import numpy as np
from matplotlib.colors import to_rgba

from .core import CheckFailure, StudentException, check

EX = "plot_datasets"

#: Label colours of the contract.
COLOURS = {0: "red", 1: "blue"}

#: Drawn points are matched to data points within this distance (max norm):
#: data lie in [-1, 1]^2 and are stored as float64; a student's float32
#: conversion moves them by <= 6e-8, distinct data points are >= 1e-4 apart.
POINT_ATOL = 1e-6

#: RGB tolerance: colormaps quantise colours to 8 bits (1/255 = 0.004);
#: red and blue differ from every other named colour by far more than 0.01.
COLOUR_ATOL = 0.01

_WORDS = ("rings", "moons", "blobs", "swirl", "xor", "line", "noise", "grid", "arcs", "dots")


def _dataset(rng, size, labels_from=(0, 1)):
    while True:
        points = rng.uniform(-1, 1, (size, 2))
        gaps = np.abs(points[:, None, :] - points[None, :, :]).max(axis=2) + np.eye(size) * 9
        if size < 2 or gaps.min() > 1e-4:
            break
    labels = rng.choice(np.array(labels_from), size)
    return points, labels.astype(np.int64)


def scenarios():
    """The fixed inputs: ``[(datasets, title, pass_title), ...]`` where
    `datasets` is a list of ``(name, points, labels)`` in mapping order."""
    rng = np.random.RandomState(20240611)
    out = []
    layouts = (  # (sizes, title, pass_title, dataset index with one label)
        ((24,), None, False, None),
        ((15, 8, 30), "Three datasets {}", True, 1),
        ((1, 12, 5, 20, 9), None, True, 3),
        ((40, 40, 40, 40), "The four datasets {}", True, None),
    )
    for sizes, title, pass_title, single in layouts:
        names = rng.choice(len(_WORDS), len(sizes), replace=False)
        datasets = []
        for k, size in enumerate(sizes):
            name = f"{_WORDS[names[k]]}_{rng.randint(10, 99)}"
            labels_from = (1,) if k == single else (0, 1)
            if size == 1:
                labels_from = (0,)
            points, labels = _dataset(rng, size, labels_from)
            datasets.append((name, points, labels))
        if title is not None:
            title = title.format(rng.randint(100, 999))
        out.append((datasets, title, pass_title))
    return out


SCENARIOS = scenarios()


def describe_call(scenario) -> str:
    datasets, title, pass_title = scenario
    inner = ", ".join(
        f"{name!r}: {len(points)} point{'s' if len(points) != 1 else ''}"
        + (f" (label {int(labels[0])} only)" if len(set(labels.tolist())) == 1 and len(points) > 1 else "")
        for name, points, labels in datasets)
    arg = f", title={title!r}" if pass_title else ""
    return f"plot_datasets({{{inner}}}{arg})"


_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _summary(target, index):
    """The probe's summary of scenario `index` (cached per target: the checks
    below all read the same figures)."""
    try:
        cache = _CACHE.setdefault(target, {})
    except TypeError:  # a target that cannot be weakly referenced: no cache
        cache = {}
    if index not in cache:
        datasets, title, pass_title = SCENARIOS[index]
        payload = [[name, points, labels] for name, points, labels in datasets]
        try:
            cache[index] = target.probe("plot_datasets.summary", datasets=payload, title=title,
                                        pass_title=pass_title)
        except StudentException as exc:
            raise CheckFailure(f"{describe_call(SCENARIOS[index])} raised {exc.message}") from None
    return cache[index]


def _figure(target, index) -> dict:
    out = _summary(target, index)
    if not out.get("is_figure"):
        raise CheckFailure(
            f"{describe_call(SCENARIOS[index])}: expected a matplotlib Figure back, got "
            f"{out.get('returned_type')}: build the figure and return it (e.g. `return fig`)")
    return out


def reading_order(axes: list[dict]) -> list[dict]:
    """Axes sorted top to bottom, then left to right, by their subplot slot
    (ties keep `fig.axes` order)."""
    def key(ax):
        x0, y0, _, height = (float(v) for v in ax["position"])
        return (-round(y0 + height, 3), round(x0, 3))

    return sorted(axes, key=key)


def _title(ax) -> str:
    return ax["title"] or ax["title_left"] or ax["title_right"]


def _axes_for_datasets(target, index):
    """For each dataset, its Axes (the one titled with its name, else the one
    at its place in reading order), or None."""
    out = _figure(target, index)
    axes = reading_order(out["axes"])
    datasets = SCENARIOS[index][0]
    found = []
    for k, (name, _, _) in enumerate(datasets):
        titled = [ax for ax in axes if _title(ax) == name]
        if len(titled) == 1:
            found.append(titled[0])
        else:
            found.append(axes[k] if k < len(axes) else None)
    return found


def _each_dataset(target):
    """Yield ``(call description, name, points, labels, axes summary)``."""
    for index, scenario in enumerate(SCENARIOS):
        for (name, points, labels), ax in zip(scenario[0], _axes_for_datasets(target, index)):
            if ax is None:
                raise CheckFailure(f"{describe_call(scenario)}: found no Axes for dataset {name!r}")
            yield describe_call(scenario), name, points, labels, ax


def _matches(points, drawn):
    """Boolean (len(points), len(drawn)): drawn point j is data point i."""
    drawn = np.asarray(drawn, dtype=np.float64).reshape(-1, 2)
    if len(drawn) == 0 or len(points) == 0:
        return np.zeros((len(points), len(drawn)), dtype=bool)
    gap = np.abs(points[:, None, :] - drawn[None, :, :]).max(axis=2)
    return gap <= POINT_ATOL  # NaN compares False: a NaN point matches nothing


def _point_colour(ax, j):
    face = np.asarray(ax["facecolors"], dtype=np.float64)[j]
    edge = np.asarray(ax["edgecolors"], dtype=np.float64)[j]
    return face if face[3] > 0 else edge  # hollow markers show their edge colour


def _colour_name(rgba):
    for name in ("red", "blue", "green", "orange", "black", "purple", "tab:blue", "tab:orange"):
        if np.allclose(rgba[:3], to_rgba(name)[:3], atol=COLOUR_ATOL):
            return name
    return "RGBA(" + ", ".join(f"{v:.2f}" for v in rgba) + ")"


# ------------------------------------------------------------------ checks


@check(EX, "returns_figure", 3, "returns the Figure (not None, not only shown)")
def check_returns_figure(target):
    for index in range(len(SCENARIOS)):
        _figure(target, index)


@check(EX, "axes_count", 3, "one Axes per dataset, for any number of datasets")
def check_axes_count(target):
    for index, scenario in enumerate(SCENARIOS):
        got = len(_figure(target, index)["axes"])
        want = len(scenario[0])
        if got != want:
            raise CheckFailure(
                f"{describe_call(scenario)}: expected {want} Axes (one per dataset) in the returned "
                f"figure, got {got}")


@check(EX, "titles_in_order", 4, "Axes titled with the keys, in the mapping's order")
def check_titles_in_order(target):
    for index, scenario in enumerate(SCENARIOS):
        titles = [_title(ax) for ax in reading_order(_figure(target, index)["axes"])]
        want = [name for name, _, _ in scenario[0]]
        if titles != want:
            raise CheckFailure(
                f"{describe_call(scenario)}: expected Axes titled {want} (left to right), "
                f"got {titles}")


@check(EX, "points_once", 5, "every point drawn exactly once, at its coordinates")
def check_points_once(target):
    for call, name, points, labels, ax in _each_dataset(target):
        close = _matches(points, ax["points"])
        per_point = close.sum(axis=1)
        extra = int((close.sum(axis=0) == 0).sum())
        where = f"{call}, Axes {name!r}"
        if (per_point == 0).any():
            i = int(np.argmax(per_point == 0))
            raise CheckFailure(
                f"{where}: point {i} {points[i].round(4).tolist()} is not drawn "
                f"({int((per_point == 0).sum())} of {len(points)} points missing)")
        if (per_point > 1).any():
            i = int(np.argmax(per_point > 1))
            raise CheckFailure(
                f"{where}: point {i} {points[i].round(4).tolist()} is drawn {int(per_point[i])} "
                f"times; draw every point exactly once")
        if extra:
            raise CheckFailure(
                f"{where}: {extra} drawn point(s) are not points of the dataset "
                f"(expected exactly {len(points)} points)")


@check(EX, "colours", 4, "label-0 points red, label-1 points blue")
def check_colours(target):
    want = {label: np.array(to_rgba(colour)) for label, colour in COLOURS.items()}
    for call, name, points, labels, ax in _each_dataset(target):
        close = _matches(points, ax["points"])
        for i, j in zip(*np.nonzero(close)):
            rgba = _point_colour(ax, j)
            label = int(labels[i])
            if not (np.allclose(rgba[:3], want[label][:3], atol=COLOUR_ATOL) and rgba[3] > 0):
                raise CheckFailure(
                    f"{call}, Axes {name!r}: point {int(i)} {points[i].round(4).tolist()} has "
                    f"label {label}, so it should be {COLOURS[label]}; it is drawn in "
                    f"{_colour_name(rgba)}")
        if not close.any() and len(points):
            raise CheckFailure(f"{call}, Axes {name!r}: none of the dataset's points is drawn")


@check(EX, "legend", 2, "each Axes has a legend")
def check_legend(target):
    for call, name, _, _, ax in _each_dataset(target):
        if not ax["has_legend"]:
            raise CheckFailure(f"{call}: Axes {name!r} has no legend (call ax.legend())")


@check(EX, "aspect", 2, "each Axes has equal aspect")
def check_aspect(target):
    for call, name, _, _, ax in _each_dataset(target):
        aspect = ax["aspect"]
        # 'equal' is stored as the number 1.0; compare with a tolerance, not ==.
        if isinstance(aspect, str) or not abs(float(aspect) - 1.0) <= 1e-9:
            raise CheckFailure(
                f"{call}: Axes {name!r} has aspect {aspect!r}, expected equal "
                f"(ax.axis('equal') or ax.set_aspect('equal'))")
