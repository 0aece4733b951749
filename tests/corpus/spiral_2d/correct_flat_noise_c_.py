"""Correct: noise drawn as one flat 4h vector reshaped to (2h, 2) (same row-major order), points joined with np.c_."""
import numpy as np


def _as_count(num_points):
    if isinstance(num_points, bool):
        raise ValueError("num_points must be a non-negative integer, not a bool")
    if isinstance(num_points, np.integer):
        num_points = int(num_points)
    if not isinstance(num_points, int):
        raise ValueError(f"num_points must be a non-negative integer, got {type(num_points).__name__}")
    if num_points < 0:
        raise ValueError(f"num_points must be non-negative, got {num_points}")
    return num_points


def spiral_2d(num_points):
    h = _as_count(num_points) // 2
    if h == 0:
        return np.zeros((0, 2)), np.zeros((0,), dtype=np.int64)
    noise = np.random.uniform(-0.1, 0.1, 4 * h).reshape(2 * h, 2)
    i = np.r_[np.arange(h), np.arange(h)]
    c = np.r_[np.zeros(h, dtype=np.int64), np.ones(h, dtype=np.int64)]
    r = 5 * (i / h)
    t = 1.75 * 2 * np.pi * (i / h) + np.pi * c
    points = np.c_[r * np.sin(t), r * np.cos(t)] + noise
    return points, c
