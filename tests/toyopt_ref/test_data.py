import numpy as np
import pytest

from toyopt_ref import data
from toyopt_ref.errors import InvalidInputError

GENERATORS = [data.random_2d, data.circular_2d, data.spiral_2d, data.spiral_2d_loop, data.linear_2d]
EVEN_SPLIT = [data.circular_2d, data.spiral_2d, data.spiral_2d_loop]


@pytest.mark.parametrize("gen", GENERATORS, ids=lambda g: g.__name__)
@pytest.mark.parametrize("n", [0, 1, 2, 3, 10, 101])
def test_generators_return_documented_shapes_and_dtypes(gen, n):
    np.random.seed(0)
    points, labels = gen(n)
    expected = 2 * (n // 2) if gen in EVEN_SPLIT else n
    assert points.shape == (expected, 2) and points.dtype == np.float64
    assert labels.shape == (expected,) and labels.dtype == np.int64
    assert set(np.unique(labels)) <= {0, 1}


@pytest.mark.parametrize("gen", EVEN_SPLIT, ids=lambda g: g.__name__)
def test_even_split_generators_put_label_zero_first(gen):
    np.random.seed(1)
    _, labels = gen(50)
    assert labels.tolist() == [0] * 25 + [1] * 25


@pytest.mark.parametrize("gen", GENERATORS, ids=lambda g: g.__name__)
def test_seed_reproduces_and_another_seed_changes(gen):
    np.random.seed(7)
    a = gen(40)
    np.random.seed(7)
    b = gen(40)
    np.random.seed(8)
    c = gen(40)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("gen", GENERATORS, ids=lambda g: g.__name__)
@pytest.mark.parametrize("bad", [-1, 2.5, "10", None, True])
def test_bad_num_points_raises_typed_error(gen, bad):
    with pytest.raises(InvalidInputError, match="num_points"):
        gen(bad)


def test_numpy_integer_num_points_is_accepted():
    np.random.seed(0)
    assert data.spiral_2d(np.int64(6))[0].shape == (6, 2)


def test_vectorised_spiral_draws_the_same_numbers_as_the_loop_version():
    for n in (2, 9, 1000):
        np.random.seed(n)
        fast = data.spiral_2d(n)
        np.random.seed(n)
        slow = data.spiral_2d_loop(n)
        np.testing.assert_array_equal(fast[0], slow[0])
        np.testing.assert_array_equal(fast[1], slow[1])


def _ideal_spiral(n):
    half = n // 2
    i = np.arange(half)
    r = i / half * 5
    t = 1.75 * i / half * 2 * np.pi
    ideal = [np.stack([r * np.sin(t + off), r * np.cos(t + off)], axis=1) for off in (0, np.pi)]
    return np.concatenate(ideal)


def test_spiral_noise_is_uniform_within_a_tenth_of_the_ideal_curve():
    np.random.seed(3)
    points, _ = data.spiral_2d(20000)
    residual = (points - _ideal_spiral(20000)).ravel()
    assert np.abs(residual).max() <= 0.1
    # Uniform on [-0.1, 0.1): mean 0 and variance 0.2**2 / 12. With 40,000
    # draws the standard errors are 2.9e-4 (mean) and 1.7e-5 (variance);
    # the bounds below sit at about 6 standard errors.
    assert abs(residual.mean()) < 2e-3
    assert abs(residual.var() - 0.04 / 12) < 1e-4
    # and each tenth of the interval holds its share (+- 6 sd of a binomial)
    counts, _ = np.histogram(residual, bins=10, range=(-0.1, 0.1))
    assert np.all(np.abs(counts - 4000) < 6 * np.sqrt(4000 * 0.9))


def test_circular_radii_lie_in_their_rings():
    np.random.seed(0)
    points, labels = data.circular_2d(1000)
    radius = np.hypot(points[:, 0], points[:, 1])
    assert np.all((radius[labels == 0] >= 0.1) & (radius[labels == 0] < 0.3))
    assert np.all((radius[labels == 1] >= 0.5) & (radius[labels == 1] < 0.7))


def test_linear_labels_follow_the_side_of_the_line():
    np.random.seed(0)
    points, labels = data.linear_2d(500)
    (ax, ay), (bx, by) = data.LINEAR_BOUNDARY
    side = np.sign((bx - ax) * (points[:, 1] - ay) - (by - ay) * (points[:, 0] - ax))
    # label 0 is left of a->b (positive side), label 1 right of it
    assert np.all(labels[side > 0] == 0) and np.all(labels[side < 0] == 1)
    assert 0.2 < labels.mean() < 0.8
    assert np.all(np.abs(points) <= 1)


def test_make_datasets_builds_the_four_in_the_tutorials_order():
    np.random.seed(0)
    dbs = data.make_datasets(100)
    assert list(dbs) == ["random_data", "circular_data", "spiral_data", "linear_data"]
    np.random.seed(0)
    first = data.random_2d(100)
    np.testing.assert_array_equal(dbs["random_data"][0], first[0])
    with pytest.raises(InvalidInputError, match="unknown dataset 'moons'"):
        data.make_datasets(10, names=("moons",))


def test_split_keeps_every_point_once_and_sizes_the_test_set():
    np.random.seed(0)
    db = data.circular_2d(1000)
    (trp, trl), (tep, tel) = data.train_test_split(db)
    assert len(tep) == 100 and len(trp) == 900
    merged = np.concatenate([trp, tep])
    assert sorted(map(tuple, merged)) == sorted(map(tuple, db[0]))
    # labels travel with their points
    lookup = {tuple(p): label for p, label in zip(*db)}
    assert all(lookup[tuple(p)] == label for p, label in zip(tep, tel))


def test_split_with_zero_fraction_keeps_everything_for_training():
    np.random.seed(0)
    (trp, _), (tep, _) = data.train_test_split(data.linear_2d(30), test_fraction=0)
    assert len(trp) == 30 and len(tep) == 0


@pytest.mark.parametrize("bad", [-0.1, 1, 1.5, float("nan"), "0.1"])
def test_split_rejects_bad_fraction(bad):
    with pytest.raises(InvalidInputError, match="test_fraction"):
        data.train_test_split(data.linear_2d(10), bad)


def test_split_rejects_mismatched_points_and_labels():
    with pytest.raises(InvalidInputError, match="labels must have shape"):
        data.train_test_split((np.zeros((5, 2)), np.zeros(4)))
    with pytest.raises(InvalidInputError, match=r"points must have shape \(n, 2\)"):
        data.train_test_split((np.zeros((5, 3)), np.zeros(5)))
