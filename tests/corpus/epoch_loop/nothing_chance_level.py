"""Nothing: reports chance level (50.0 %), a constant loss of 0.5 and all-False labels; nothing is computed."""
import numpy as np


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    n = len(db[0])
    return 50.0, 0.5, np.zeros(n, dtype=bool)
