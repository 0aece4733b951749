"""Nothing: draws random labels, scores them against the db labels and reports a zero loss; the model, criterion and optimiser are never used."""
import numpy as np


def epoch_loop(model, db, criterion, optimiser=None, device=None):
    points, labels = db
    pred_labels = np.random.rand(len(points)) >= 0.5
    acc = float(np.mean(pred_labels == np.asarray(labels)) * 100)
    return acc, 0.0, pred_labels
