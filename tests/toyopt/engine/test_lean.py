"""`toyopt_ref.train` gives bit-identical curves to the tutorial's loop, on every path.

No timing here: `bench/bench_train.py` measures the speed.
"""

import sys

import numpy as np
import pytest
import torch
from grade_support import ROOT
from torch import nn

from toyopt.engine import fastpath as _fastpath
from toyopt.engine.lean import _make_train_step, train
from toyopt_ref.data import make_datasets, train_test_split
from toyopt_ref.losses import CircularMSELoss, make_loss
from toyopt_ref.model import Simple2DNetwork

sys.path.insert(0, str(ROOT / "bench"))
from tutorial_loop import tutorial_train

EPOCHS = 200
CRITERIA = ("L1", "MSE", "SmoothL1", "Huber", "BCEWithLogits", "CircularMSE")
CASES = (("circular_data", 1), ("linear_data", 7))


@pytest.fixture(scope="module")
def datasets():
    np.random.seed(0)
    return make_datasets(300, names=("circular_data", "linear_data", "spiral_data"))


def criterion_for(name, reduction="mean"):
    if name == "CircularMSE":
        return CircularMSELoss(reduction=reduction)
    return make_loss(name, reduction=reduction)


def split(datasets, name, seed):
    np.random.seed(seed)
    return train_test_split(datasets[name])


def sgd(model, **options):
    return torch.optim.SGD(model.parameters(), lr=0.1, **options)


def run_both(datasets, dataset, seed, make_model, make_criterion, make_optimiser,
             epochs=EPOCHS):
    """Train two identically seeded copies, the tutorial's way and with `train`."""
    train_db, test_db = split(datasets, dataset, seed)
    out = []
    for fast in (False, True):
        torch.manual_seed(seed)
        model = make_model()
        optimiser = make_optimiser(model)
        criterion = make_criterion()
        if fast:
            log = train(model, train_db, test_db, criterion, optimiser, epochs=epochs)
            curves = [log.train_acc, log.train_loss, log.test_acc, log.test_loss]
        else:
            # `train` uses one intra-op thread on CPU; the tutorial's own loss
            # values move in the last bit with the thread count (e.g. L1 on 270
            # points at 1 vs 2 threads), so the reference runs with one thread too.
            threads = torch.get_num_threads()
            torch.set_num_threads(1)
            try:
                curves = [np.asarray(c) for c in tutorial_train(
                    model, train_db, test_db, criterion, optimiser, epochs)]
            finally:
                torch.set_num_threads(threads)
        out.append((curves, model, optimiser))
    return out


def assert_identical(ref, got):
    (ref_curves, ref_model, _), (got_curves, got_model, _) = ref, got
    for name, a, b in zip(("train_acc", "train_loss", "test_acc", "test_loss"),
                          ref_curves, got_curves):
        assert a.shape == b.shape, name
        assert np.array_equal(a, b), f"{name} differs at epochs {np.flatnonzero(a != b)[:5]}"
    for (name, p), q in zip(ref_model.named_parameters(), got_model.parameters()):
        assert torch.equal(p, q), f"parameter {name} differs"
        # `.grad` holds the last epoch's gradient, as after the tutorial loop.
        assert (p.grad is None) == (q.grad is None), name
        if p.grad is not None:
            assert torch.equal(p.grad, q.grad), f"grad of {name} differs"


def path_taken(model, criterion, optimiser):
    x = torch.zeros((3, 2))
    return _make_train_step(model, criterion, optimiser, x, torch.zeros(3),
                            torch.device("cpu"))[0]


@pytest.mark.parametrize("dataset,seed", CASES)
@pytest.mark.parametrize("loss", CRITERIA)
def test_fast_path_matches_tutorial(datasets, loss, dataset, seed):
    ref, got = run_both(datasets, dataset, seed, Simple2DNetwork,
                        lambda: criterion_for(loss), sgd)
    assert path_taken(got[1], criterion_for(loss), got[2]) == "fused"
    assert_identical(ref, got)


@pytest.mark.parametrize("loss", ("MSE", "L1", "Huber"))
def test_sum_reduction_and_other_inits(datasets, loss):
    ref, got = run_both(datasets, "spiral_data", 3, lambda: Simple2DNetwork("xavier"),
                        lambda: criterion_for(loss, "sum"),
                        lambda m: torch.optim.SGD(m.parameters(), lr=0.001))
    assert_identical(ref, got)


def test_linear_network_without_relu(datasets):
    ref, got = run_both(datasets, "linear_data", 2,
                        lambda: Simple2DNetwork(nonlinearity=False),
                        lambda: criterion_for("MSE"), sgd)
    assert_identical(ref, got)


def sequential_net():
    return nn.Sequential(nn.Linear(2, 5), nn.ReLU(), nn.Linear(5, 1))


@pytest.mark.parametrize("make_model,make_optimiser,expected", [
    (Simple2DNetwork, lambda m: sgd(m, momentum=0.9), "generic"),
    (Simple2DNetwork, lambda m: sgd(m, weight_decay=1e-3), "generic"),
    (Simple2DNetwork, lambda m: sgd(m, momentum=0.9, nesterov=True), "generic"),
    (Simple2DNetwork, lambda m: torch.optim.Adam(m.parameters(), lr=0.01), "generic"),
    (sequential_net, sgd, "sgd"),
    (sequential_net, lambda m: sgd(m, momentum=0.5), "generic"),
])
@pytest.mark.parametrize("loss", ("MSE", "BCEWithLogits"))
def test_fallback_paths_match_tutorial(datasets, make_model, make_optimiser, expected, loss):
    ref, got = run_both(datasets, "circular_data", 5, make_model,
                        lambda: criterion_for(loss), make_optimiser, epochs=100)
    assert path_taken(got[1], criterion_for(loss), got[2]) == expected
    assert_identical(ref, got)
    # The optimiser keeps working after `train`.
    got[2].step()


def test_hooks_disable_the_fused_path():
    model = Simple2DNetwork()
    handle = model.linear1.register_forward_hook(lambda *args: None)
    assert path_taken(model, nn.MSELoss(), sgd(model)) == "sgd"
    handle.remove()
    assert path_taken(model, nn.MSELoss(), sgd(model)) == "fused"
    model.linear2.weight.register_hook(lambda g: g)
    assert _fastpath.plain_sgd_lr(sgd(model), list(model.parameters())) is None
    assert path_taken(model, nn.MSELoss(), sgd(model)) == "generic"


def test_optimiser_hooks_and_groups_disable_plain_sgd():
    model = Simple2DNetwork()
    params = list(model.parameters())
    assert _fastpath.plain_sgd_lr(sgd(model), params) == pytest.approx(0.1)
    hooked = sgd(model)
    hooked.register_step_post_hook(lambda *args: None)
    assert _fastpath.plain_sgd_lr(hooked, params) is None
    two_groups = torch.optim.SGD([{"params": params[:2]}, {"params": params[2:]}], lr=0.1)
    assert _fastpath.plain_sgd_lr(two_groups, params) is None
    assert _fastpath.plain_sgd_lr(sgd(model, maximize=True), params) is None


def test_callback_gets_the_logged_floats(datasets):
    train_db, test_db = split(datasets, "circular_data", 4)
    torch.manual_seed(4)
    model = Simple2DNetwork()
    seen = []
    log = train(model, train_db, test_db, nn.MSELoss(), epochs=20,
                callback=lambda *row: seen.append(row), record_predictions=True)
    assert [row[0] for row in seen] == list(range(20))
    for column, values in zip(range(1, 5), (log.train_acc, log.train_loss,
                                            log.test_acc, log.test_loss)):
        assert all(isinstance(row[column], float) for row in seen)
        assert np.array_equal([row[column] for row in seen], values)
    assert len(log.test_pred) == 20
    assert log.test_pred[0].dtype == np.bool_ and log.test_pred[0].shape == (len(test_db[0]),)
    assert not model.training
