"""Nothing: never runs the model; returns 100.0, 0.0 and all-True labels of the right shape and dtype."""
import numpy as np


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    points, labels = db
    return 100.0, 0.0, np.ones(len(points), dtype=bool)
