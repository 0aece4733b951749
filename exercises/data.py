# Generated from toyopt_ref/data.py by `toyopt release`.
# Your copy: complete the functions that raise NotImplementedError.
"""The four toy datasets of the tutorial and the train/test split.

Every generator returns ``(points, labels)``: `points` is a float64 array of
shape ``(n, 2)`` and `labels` an int64 array of shape ``(n,)`` holding 0 or 1.
All randomness is drawn from NumPy's global state (``np.random.*``), so
``np.random.seed(s)`` before a call reproduces its output.
"""

import math

import numpy as np

from .errors import InvalidInputError, check_count

#: Dataset names in the order the tutorial builds (and draws) them.
DATASET_NAMES = ("random_data", "circular_data", "spiral_data", "linear_data")

#: The boundary of `linear_2d`: points left of the line through these two
#: points (seen from the first towards the second) get label 0.
LINEAR_BOUNDARY = ((-0.9, -0.7), (1.0, 0.6))

#: Spiral geometry: radius grows to `SPIRAL_RADIUS` over `SPIRAL_TURNS` turns,
#: and each coordinate gets uniform noise in [-SPIRAL_NOISE, SPIRAL_NOISE).
SPIRAL_RADIUS = 5.0
SPIRAL_TURNS = 1.75
SPIRAL_NOISE = 0.1


def _empty():
    return np.zeros((0, 2), dtype=np.float64), np.zeros((0,), dtype=np.int64)


def random_2d(num_points):
    """`num_points` points uniform in [-1, 1)^2, each with a random label."""
    num_points = check_count("num_points", num_points)
    points = np.random.uniform(-1, 1, (num_points, 2))
    labels = np.random.randint(0, 2, num_points).astype(np.int64)
    return points, labels


def circular_2d(num_points):
    """Two rings: label 0 at radius [0.1, 0.3), label 1 at radius [0.5, 0.7).

    Returns ``2 * (num_points // 2)`` points, label-0 points first; angles are
    uniform in [0, 2 pi) and a point is ``(r sin(theta), r cos(theta))``.
    """
    half = check_count("num_points", num_points) // 2
    if half == 0:
        return _empty()
    # Draw order (radii then angles, inner ring first) matches the tutorial.
    inner_r = np.random.uniform(0.1, 0.3, half)
    inner_t = np.random.uniform(0, np.pi * 2, half)
    outer_r = np.random.uniform(0.5, 0.7, half)
    outer_t = np.random.uniform(0, np.pi * 2, half)
    radius = np.concatenate([inner_r, outer_r])
    theta = np.concatenate([inner_t, outer_t])
    points = np.stack([radius * np.sin(theta), radius * np.cos(theta)], axis=1)
    labels = np.repeat(np.array([0, 1], dtype=np.int64), half)
    return points, labels


def spiral_2d_loop(num_points):
    """The tutorial's double-loop spiral, kept for equivalence tests and benchmarks.

    Same contract as `spiral_2d` (the two draw identical numbers from the same
    seed); only the implementation differs.
    """
    half = check_count("num_points", num_points) // 2
    if half == 0:
        return _empty()
    points = []
    labels = []
    for label, offset in ((0, 0.0), (1, np.pi)):
        for i in range(half):
            r = i / half * SPIRAL_RADIUS
            t = SPIRAL_TURNS * i / half * 2 * np.pi + offset
            points.append([
                r * np.sin(t) + np.random.uniform(-SPIRAL_NOISE, SPIRAL_NOISE),
                r * np.cos(t) + np.random.uniform(-SPIRAL_NOISE, SPIRAL_NOISE),
            ])
            labels.append(label)
    return np.array(points, dtype=np.float64), np.array(labels, dtype=np.int64)


def spiral_2d(num_points):
    """Two interleaved Archimedean spirals, vectorised (no loop over points).

    Contract (what the autograder checks):

    - returns ``(points, labels)``: float64 ``(2*h, 2)`` and int64 ``(2*h,)``
      NumPy arrays (exactly these dtypes; compute in float32 if you like, but
      return float64) with ``h = num_points // 2``; for fewer than 2 points,
      shapes ``(0, 2)`` and ``(0,)``; rows ``0 .. h-1`` have label 0, rows
      ``h .. 2h-1`` label 1;
    - for index ``i`` in ``0 .. h-1`` of class ``c``, with
      ``r = 5 * i / h`` and ``t = 1.75 * 2 * pi * i / h + c * pi``,
      the point is ``(r * sin(t) + ex, r * cos(t) + ey)`` with ``|ex|, |ey| <= 0.1``;
    - ``ex`` and ``ey`` are independent draws, uniform on [-0.1, 0.1), fresh
      for every coordinate of every point (in any order of drawing);
    - the noise comes from ``np.random`` (the global state), so
      ``np.random.seed(s)`` reproduces the output and another seed changes it;
    - the work does not loop in Python over the points: no ``for``/``while``
      loop, comprehension, ``map`` or ``np.vectorize`` whose length grows with
      `num_points` (a loop over the two classes is fine);
    - `num_points` is an `int` (a NumPy integer such as ``np.int64(10)`` counts
      as one; what ``True``/``False`` do is not checked); a negative
      `num_points` raises `ValueError`; one that is not an integer (``2.5``,
      ``4.0``, ``"10"``) raises `ValueError` or `TypeError` (the reference
      raises `InvalidInputError`, a `ValueError`).
    """
    # YOUR CODE HERE
    raise NotImplementedError("spiral_2d: not implemented yet")


def linear_2d(num_points):
    """Points uniform in [-1, 1)^2 labelled by the side of a fixed line.

    Label 0 where the 2-D cross product ``(p - a) x (b - a)`` is negative
    (``a``, ``b`` = `LINEAR_BOUNDARY`), label 1 elsewhere.
    """
    num_points = check_count("num_points", num_points)
    points = np.random.uniform(-1, 1, (num_points, 2))
    (ax, ay), (bx, by) = LINEAR_BOUNDARY
    # 2-D cross product written out: np.cross warns on 2-vectors in NumPy 2.
    cross = (points[:, 0] - ax) * (by - ay) - (points[:, 1] - ay) * (bx - ax)
    labels = np.where(cross < 0, 0, 1).astype(np.int64)
    return points, labels


GENERATORS = {
    "random_data": random_2d,
    "circular_data": circular_2d,
    "spiral_data": spiral_2d,
    "linear_data": linear_2d,
}


def make_datasets(num_points=1000, names=DATASET_NAMES):
    """Build the datasets, in the tutorial's order, as ``{name: (points, labels)}``.

    Generators are called in `DATASET_NAMES` order whatever `names` asks for,
    so a dataset is the same whether built alone or with the others only when
    it comes first; pass all names (the default) to match the tutorial.
    """
    num_points = check_count("num_points", num_points)
    unknown = [n for n in names if n not in GENERATORS]
    if unknown:
        raise InvalidInputError(
            f"unknown dataset {unknown[0]!r}; choose from {', '.join(DATASET_NAMES)}"
        )
    return {name: GENERATORS[name](num_points) for name in DATASET_NAMES if name in names}


def check_db(db, name="db"):
    """Validate a ``(points, labels)`` pair and return it as NumPy arrays."""
    try:
        points, labels = db
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{name} must be a (points, labels) pair") from exc
    points = np.asarray(points)
    labels = np.asarray(labels)
    if points.ndim != 2 or points.shape[1] != 2:
        raise InvalidInputError(f"{name}: points must have shape (n, 2), got {points.shape}")
    if labels.shape != (points.shape[0],):
        raise InvalidInputError(
            f"{name}: labels must have shape ({points.shape[0]},) to match the points, "
            f"got {labels.shape}"
        )
    return points, labels


def train_test_split(db, test_fraction=0.1):
    """Shuffle a dataset and split off ``floor(n * test_fraction)`` test points.

    The permutation comes from ``np.random.permutation`` (global state); the
    last `num_test` shuffled points form the test set, as in the tutorial.
    Returns ``(train_db, test_db)``.
    """
    points, labels = check_db(db)
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, (int, float)) \
            or not 0 <= test_fraction < 1 or math.isnan(test_fraction):
        raise InvalidInputError(f"test_fraction must be a number in [0, 1), got {test_fraction!r}")
    n = len(points)
    # A hair of slack so that e.g. 0.29 * 100 (= 28.999...) gives 29.
    num_test = int(math.floor(n * test_fraction + 1e-9))
    order = np.random.permutation(n)
    train_idx, test_idx = order[:n - num_test], order[n - num_test:]
    return (points[train_idx], labels[train_idx]), (points[test_idx], labels[test_idx])
