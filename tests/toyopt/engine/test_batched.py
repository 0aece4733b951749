"""The batched engine against the sequential lean `toyopt.engine.lean.train`."""

import numpy as np
import pytest
import torch

from toyopt.engine import batched
from toyopt.engine.batched import RunSpec, initial_parameters, make_splits, train_batched, train_runs
from toyopt.engine.lean import train
from toyopt_ref.data import make_datasets, train_test_split
from toyopt_ref.errors import InvalidInputError
from toyopt_ref.losses import make_loss
from toyopt_ref.model import Simple2DNetwork

SMOOTH_LOSSES = ("MSE", "BCEWithLogits", "SmoothL1", "Huber")

# Loss curves: float32 sums taken in another order drift by ~1e-7 relative
# per epoch; 1e-4 over a few hundred epochs leaves two orders of margin.
LOSS_RTOL, LOSS_ATOL = 1e-4, 1e-6
# Accuracy is a count of thresholded predictions: a prediction within
# rounding of 0.5 may flip. Allow that on at most 1 % of epochs.
MAX_FLIPPED_EPOCHS = 0.01


def sequential(spec):
    """The same run through the nn.Module path."""
    torch.manual_seed(spec.seed)
    net = Simple2DNetwork(weight_init=spec.init)
    train_db, test_db = make_splits(spec.seed)[spec.dataset]
    return train(net, train_db, test_db, make_loss(spec.loss), lr=spec.lr, epochs=spec.epochs)


def mixed_specs(loss, epochs):
    """Runs of one loss over several datasets, inits, learning rates and seeds."""
    return [
        RunSpec("circular_data", loss, "uniform", 0.1, 3, epochs),
        RunSpec("linear_data", loss, "xavier", 0.1, 4, epochs),
        RunSpec("circular_data", loss, None, 0.05, 5, epochs),
        RunSpec("spiral_data", loss, "uniform", 0.02, 6, epochs),
    ]


def by_spec(specs, results):
    logs = {}
    for indices, log in results:
        for row, index in enumerate(indices):
            logs[specs[index]] = log.run_log(row)
    return logs


@pytest.mark.parametrize("loss", SMOOTH_LOSSES)
def test_sampled_runs_match_sequential_train_epoch_by_epoch(loss):
    specs = mixed_specs(loss, epochs=300)
    logs = by_spec(specs, train_runs(specs, workers=1))
    for spec in specs:
        got, want = logs[spec], sequential(spec)
        for name in ("train_loss", "test_loss"):
            np.testing.assert_allclose(getattr(got, name), getattr(want, name),
                                       rtol=LOSS_RTOL, atol=LOSS_ATOL, err_msg=f"{spec} {name}")
        for name in ("train_acc", "test_acc"):
            flipped = np.mean(getattr(got, name) != getattr(want, name))
            assert flipped <= MAX_FLIPPED_EPOCHS, f"{spec}: {name} differs on {flipped:.1%} of epochs"


def test_l1_runs_match_sequential_train_on_best_accuracy():
    # Sign gradients turn rounding differences into different steps, so L1
    # curves may part after a while (NOTES.md); the best accuracy is stable.
    specs = mixed_specs("L1", epochs=600)
    logs = by_spec(specs, train_runs(specs, workers=1))
    for spec in specs:
        got, want = logs[spec], sequential(spec)
        assert abs(got.test_acc.max() - want.test_acc.max()) <= 2.0, spec
        np.testing.assert_allclose(got.train_loss[:20], want.train_loss[:20], rtol=LOSS_RTOL)


def test_initial_parameters_are_those_of_the_module_after_manual_seed():
    for init in ("uniform", "xavier", None):
        torch.manual_seed(11)
        net = Simple2DNetwork(weight_init=init)
        want = [p.detach() for p in net.parameters()]
        got = initial_parameters(11, init)
        for g, w in zip(got, want):
            assert torch.equal(g, w), init
    assert not torch.equal(initial_parameters(11, "uniform")[0], initial_parameters(12, "uniform")[0])


def test_helpers_leave_the_global_random_states_alone():
    np.random.seed(1)
    torch.manual_seed(1)
    make_splits(7)
    initial_parameters(7, "xavier")
    after = (np.random.rand(), torch.rand(1).item())
    np.random.seed(1)
    torch.manual_seed(1)
    assert (np.random.rand(), torch.rand(1).item()) == after


def test_make_splits_is_the_tutorial_recipe():
    np.random.seed(9)
    dbs = make_datasets(1000)
    want = {name: train_test_split(db, 0.1) for name, db in dbs.items()}
    got = make_splits(9)
    assert list(got) == list(want)
    for name in want:
        for part in range(2):
            for k in range(2):
                np.testing.assert_array_equal(got[name][part][k], want[name][part][k])


def test_a_run_does_not_depend_on_its_batch_chunk_or_thread_count():
    specs = mixed_specs("MSE", epochs=50)
    alone = by_spec(specs[:1], train_runs(specs[:1], workers=1))[specs[0]]
    logs = by_spec(specs, train_runs(specs, chunk_size=2, workers=2))
    assert np.mean(logs[specs[0]].test_acc != alone.test_acc) <= MAX_FLIPPED_EPOCHS
    np.testing.assert_allclose(logs[specs[0]].train_loss, alone.train_loss,
                               rtol=LOSS_RTOL, atol=LOSS_ATOL)
    # The other runs of the batch are trained too, and differ from the first.
    assert not np.array_equal(logs[specs[1]].train_loss, alone.train_loss)


def test_untrained_accuracy_is_the_model_before_any_update():
    spec = RunSpec("linear_data", "MSE", "xavier", 0.1, 2, 3)
    (indices, log), = train_runs([spec])
    torch.manual_seed(2)
    net = Simple2DNetwork("xavier")
    _, (points, labels) = make_splits(2)["linear_data"]
    with torch.no_grad():
        pred = net(torch.as_tensor(points, dtype=torch.float32)).reshape(-1) >= 0.5
    want = (pred.numpy() == labels).mean() * 100
    assert log.untrained_test_acc[0] == pytest.approx(want)


def test_training_improves_a_learnable_dataset():
    # Guards against a sign error in the hand-written gradients.
    spec = RunSpec("linear_data", "BCEWithLogits", "xavier", 0.1, 0, 300)
    (_, log), = train_runs([spec])
    assert log.test_acc[0, -1] >= 90
    assert log.train_loss[0, -1] < log.train_loss[0, 0] / 2


@pytest.mark.parametrize("kwargs, message", [
    (dict(loss="BCE"), "loss"),
    (dict(epochs=0), "epochs"),
    (dict(lrs=[-0.1]), "lr"),
    (dict(lrs=[0.1, 0.1]), "one init, train set, test set and lr per run"),
])
def test_bad_batched_arguments_raise_invalid_input(kwargs, message):
    train_db, test_db = make_splits(0)["linear_data"]
    args = dict(loss="MSE", init_params=[initial_parameters(0, "uniform")], train_dbs=[train_db],
                test_dbs=[test_db], lrs=[0.1], epochs=5)
    args.update(kwargs)
    with pytest.raises(InvalidInputError, match=message):
        train_batched(**args)


def test_runs_with_train_sets_of_different_sizes_are_refused_in_one_batch():
    a_train, a_test = make_splits(0, num_points=100)["linear_data"]
    b_train, b_test = make_splits(0, num_points=120)["linear_data"]
    init = initial_parameters(0, "uniform")
    with pytest.raises(InvalidInputError, match="one size"):
        train_batched("MSE", [init, init], [a_train, b_train], [a_test, b_test], [0.1, 0.1], 5)


def test_bad_run_spec_names_the_field():
    with pytest.raises(InvalidInputError, match="dataset"):
        train_runs([RunSpec("moons", "MSE", "uniform", 0.1, 0, 5)])
    with pytest.raises(InvalidInputError, match="init"):
        train_runs([RunSpec("linear_data", "MSE", "kaiming", 0.1, 0, 5)])
    assert "BCE" not in batched.BATCHED_LOSSES
