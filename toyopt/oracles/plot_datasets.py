"""Expected values of the `plot_datasets` checks (instructor side; see `toyopt.oracles`).

The checks need fixed inputs, not the reference's outputs: the datasets to
plot (seeded, so every run is the same) and the label colours of the contract.
1 to 5 datasets with random names and sizes, labels interleaved, one dataset
holding a single label and one a single point. Points of a dataset are at
least `MIN_GAP` apart, so that in any reasonable drawing every marker shows
its own colour at its centre (the checks read colours from the pixels).
"""

from __future__ import annotations

import numpy as np

from toyopt_check.checks.expect import producer

WORDS = ("rings", "moons", "blobs", "swirl", "xor", "line", "noise", "grid", "arcs", "dots")
#: (sizes, title template or None, pass the title argument?, index of the one-label dataset)
LAYOUTS = (
    ((24,), None, False, None),
    ((15, 8, 30), "Three datasets {}", True, 1),
    ((1, 12, 5, 20, 9), None, True, 3),
    ((40, 40, 40, 40), "The four datasets {}", True, None),
)
#: Smallest distance (Euclidean, data units) between two points of a dataset.
MIN_GAP = 0.15
#: Data lie in [-SPAN[0], SPAN[0]] x [-SPAN[1], SPAN[1]]: wider than tall, so
#: that an automatic aspect on a square Axes is visibly unequal (matplotlib's
#: own "equal" stops adjusting within 0.5 %).
SPAN = (0.9, 0.55)


def spaced_points(rng, size: int) -> np.ndarray:
    """`size` points uniform in the square, each >= MIN_GAP from the others (rejection)."""
    points: list = []
    while len(points) < size:
        candidate = rng.uniform(-np.array(SPAN), np.array(SPAN))
        if all(np.hypot(*(candidate - p)) >= MIN_GAP for p in points):
            points.append(candidate)
    return np.array(points, dtype=np.float64).reshape(size, 2)


def scenarios() -> list:
    """``[{"datasets": [[name, points, labels], ...], "title", "pass_title"}, ...]``."""
    rng = np.random.RandomState(20240611)
    out = []
    for sizes, title, pass_title, single in LAYOUTS:
        names = rng.choice(len(WORDS), len(sizes), replace=False)
        datasets = []
        for k, size in enumerate(sizes):
            name = f"{WORDS[names[k]]}_{rng.randint(10, 99)}"
            labels_from = (0,) if size == 1 else (1,) if k == single else (0, 1)
            points = spaced_points(rng, size)
            labels = rng.choice(np.array(labels_from), size).astype(np.int64)
            datasets.append([name, points.tolist(), labels.tolist()])
        if title is not None:
            title = title.format(rng.randint(100, 999))
        out.append({"datasets": datasets, "title": title, "pass_title": pass_title})
    return out


@producer("plot_datasets")
def expectations() -> dict:
    from toyopt_ref.plotting import LABEL_COLOURS

    return {"scenarios": scenarios(),
            "colours": {str(label): colour for label, colour in LABEL_COLOURS.items()}}
