"""Correct: np.meshgrid of indices and class offsets (indexing='ij' transposed so class 0 comes first), flattened."""
import numpy as np


def spiral_2d(num_points):
    if isinstance(num_points, bool) or not isinstance(num_points, (int, np.integer)):
        raise ValueError("num_points must be a non-negative integer")
    if num_points < 0:
        raise ValueError("num_points must be a non-negative integer")
    h = int(num_points // 2)
    if h == 0:
        return np.zeros((0, 2)), np.zeros(0, np.int64)
    offsets, idx = np.meshgrid(np.array([0.0, np.pi]), np.arange(h), indexing="ij")  # (2, h) each
    offsets = offsets.reshape(-1)
    idx = idx.reshape(-1)
    r = 5 * idx / h
    t = 1.75 * 2 * np.pi * idx / h + offsets
    points = np.stack([r * np.sin(t), r * np.cos(t)], 1)
    points += np.random.uniform(-0.1, 0.1, (2 * h, 2))
    labels = np.where(offsets > 0, 1, 0).astype(np.int64)
    return points, labels
