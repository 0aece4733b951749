"""The epoch_loop checks: the trusted recomputation, discriminating inputs, reference full marks."""

import numpy as np
import torch

from toyopt.checks import epoch_loop as el
from toyopt.checks.core import all_checks, run_checks
from toyopt.checks.target import InProcessTarget
from toyopt_ref.losses import make_loss
from toyopt_ref.training import epoch_loop as reference_epoch_loop

CHECKS = all_checks(("epoch_loop",))


def test_reference_call_matches_reference_epoch_loop():
    weights = el.make_weights(3)
    points, labels = el.make_db(4, 15)
    expected, new = el.reference_call(weights, points, labels, "MSE", lr=0.3)
    net = el.reference_network(weights)
    acc, loss, pred_labels = reference_epoch_loop(net, (points, labels), make_loss("MSE"),
                                                  torch.optim.SGD(net.parameters(), lr=0.3))
    assert abs(acc - expected["acc"]) < 1e-9
    assert np.isclose(loss, expected["loss"], rtol=1e-6)
    assert np.array_equal(pred_labels, expected["labels"])
    for name, param in net.named_parameters():
        assert np.allclose(param.detach().numpy(), new[name], rtol=1e-6, atol=1e-7)


def test_train_step_inputs_have_mixed_labels_and_labels_change_with_the_update():
    changed = 0
    for i, (criterion, lr, n) in enumerate((("MSE", 0.1, 20), ("L1", 0.5, 13), ("BCEWithLogits", 2.0, 17),
                                            ("MSE", 3.0, 9))):
        weights = el.make_weights(40 + i)
        points, labels = el.make_db(50 + i, n)
        before, new = el.reference_call(weights, points, labels, criterion, lr)
        after, _ = el.reference_call(new, points, labels, criterion)
        assert 0 < before["labels"].sum() < n
        gap = np.abs(before["prediction"] - 0.5)
        # no prediction within rounding of the threshold, except exactly 0.5 (all ReLUs off)
        assert np.all((gap > 1e-5) | (gap == 0))
        changed += not np.array_equal(before["labels"], after["labels"])
    assert changed >= 1  # so labels taken after the update are caught


def test_reference_passes_every_check():
    results = run_checks(InProcessTarget.reference(), CHECKS, cuda_available=False)
    assert [r.id for r in results if r.status not in ("passed", "skipped")] == []
    assert sum(r.score for r in results) == 25


def test_cuda_check_is_skipped_without_gpu_and_scores_nothing():
    cuda = [c for c in CHECKS if c.device == "cuda"]
    assert cuda and all(c.points == 0 for c in cuda)
    results = run_checks(InProcessTarget.reference(), cuda, cuda_available=False)
    assert all(r.status == "skipped" for r in results)


def test_stub_scores_zero_with_not_implemented_message():
    def epoch_loop(model, db, criterion, optimiser=None, device=None):
        raise NotImplementedError("epoch_loop")

    results = run_checks(InProcessTarget.for_namespace({"epoch_loop": epoch_loop}), CHECKS, cuda_available=False)
    assert sum(r.score for r in results) == 0
    assert all(r.status in ("not_implemented", "skipped") for r in results)


def test_student_exception_is_reported_without_grader_frames():
    def epoch_loop(model, db, criterion, optimiser=None, device=None):
        return 1 / 0

    results = run_checks(InProcessTarget.for_namespace({"epoch_loop": epoch_loop}), CHECKS[:1], cuda_available=False)
    assert results[0].status == "error" and "ZeroDivisionError" in results[0].message
    assert "toyopt/" not in results[0].message
