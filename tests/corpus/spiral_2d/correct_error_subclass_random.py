"""Correct: a ValueError subclass and a check_count copy; noise from np.random.random(shape) * 0.2 - 0.1; labels via np.where."""
import numpy as np


class InvalidInputError(ValueError):
    """Bad argument."""


def check_count(name, value):
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise InvalidInputError(f"{name} must be a non-negative integer, got {value!r}")
    value = value.__index__()
    if value < 0:
        raise InvalidInputError(f"{name} must be a non-negative integer, got {value}")
    return value


def spiral_2d(num_points):
    h = check_count("num_points", num_points) // 2
    if h == 0:
        return np.zeros((0, 2), dtype=np.float64), np.zeros((0,), dtype=np.int64)
    row = np.arange(2 * h)
    labels = np.where(row < h, 0, 1).astype(np.int64)
    i = row - h * labels
    theta = 1.75 * 2.0 * np.pi * i / h + labels * np.pi
    radius = 5.0 * i / h
    points = np.empty((2 * h, 2))
    points[:, 0] = radius * np.sin(theta)
    points[:, 1] = radius * np.cos(theta)
    points += np.random.random((2 * h, 2)) * 0.2 - 0.1
    return points, labels
