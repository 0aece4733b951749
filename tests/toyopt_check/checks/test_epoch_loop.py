"""The epoch_loop checks: the probe network shows mode and autograd in its
outputs, the scenarios discriminate, float32 and reordered re-implementations
pass, doing nothing scores at most 5/25, and nothing is read from records."""

import ast
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from grade_support import HOSTILE

from toyopt_check.checks import epoch_loop as el
from toyopt_check.checks import expect
from toyopt_check.checks.core import all_checks, run_checks
from toyopt_check.checks.target import InProcessTarget
from toyopt_check.inside.probes import epoch_loop as probe

CHECKS = all_checks(("epoch_loop",))
VISIBLE = [c for c in CHECKS if c.visibility == "visible" and c.device == "cpu"]


def grade(func, checks=VISIBLE, seed=None):
    """Results of `checks` on `func`; with `seed`, as at grading (inputs drawn from it too)."""
    target = InProcessTarget.for_namespace({"epoch_loop": func})
    target.grading_seed = seed
    return run_checks(target, checks, cuda_available=False)




def hostile_loop(name, **values):
    """``epoch_loop`` of ``tests/hostile/<name>.py`` run beside the reference's helpers."""
    import toyopt_ref.training as ref

    code = (HOSTILE / f"{name}.py").read_text()
    for key, value in values.items():
        code = code.replace("{{%s}}" % key, str(value))
    namespace = dict(vars(ref))
    exec(compile(code, str(HOSTILE / f"{name}.py"), "exec"), namespace)
    return namespace["epoch_loop"]


def failures(results):
    return [(r.id, r.message) for r in results if r.status not in ("passed", "skipped")]


def loop(float32_acc=False, zero_after=False, twice=False, no_grad=True, train_mode=True, eval_mode=True,
         zero_grad=True, step=True, eval_zero_grad=False):
    """An epoch_loop with switches for styles (correct) and bugs."""
    def epoch_loop(model, db, criterion, optimiser=None, device=None):
        device = device if device is not None else next(model.parameters()).device
        x = torch.tensor(db[0], dtype=torch.float32, device=device)
        y = torch.tensor(db[1], dtype=torch.float32, device=device)
        train = optimiser is not None
        if train and train_mode:
            model.train()
        if not train and eval_mode:
            model.eval()
        with torch.set_grad_enabled(train or not no_grad):
            prediction = model(x).view(-1)
            if twice:
                prediction = model(x).flatten()
            loss = criterion(prediction, y)
        labels = (prediction >= 0.5).detach()
        if float32_acc:
            acc = ((labels == y).float().mean() * 100).item()
        else:
            acc = torch.eq(labels, y).sum().item() / len(y) * 100
        if train:
            if zero_grad:
                optimiser.zero_grad()
            loss.backward()
            if step:
                optimiser.step()
            if zero_after:
                optimiser.zero_grad()
        elif eval_zero_grad:
            model.zero_grad()
        return acc, loss.item(), labels.cpu().numpy()
    return epoch_loop


def test_reference_passes_every_check():
    results = run_checks(InProcessTarget.reference(), CHECKS, cuda_available=False)
    assert failures(results) == []
    assert sum(r.score for r in results) == 25


@pytest.mark.parametrize("style", [dict(float32_acc=True), dict(zero_after=True), dict(twice=True),
                                   dict(float32_acc=True, zero_after=True, twice=True)],
                         ids=["float32_accuracy", "zero_grad_after_step_too", "model_called_twice", "all"])
def test_correct_styles_get_every_visible_point(style):
    assert failures(grade(loop(**style))) == []


@pytest.mark.parametrize("bug, failing", [
    (dict(train_mode=False), "epoch_loop.train_step"),
    (dict(eval_mode=False), "epoch_loop.eval_values"),
    (dict(no_grad=False), "epoch_loop.eval_no_side_effects"),
    (dict(eval_zero_grad=True), "epoch_loop.eval_no_side_effects"),
    (dict(zero_grad=False), "epoch_loop.no_accumulation"),
    (dict(step=False), "epoch_loop.train_step"),
])
def test_each_bug_fails_the_check_of_its_clause(bug, failing):
    results = {r.id: r for r in grade(loop(**bug))}
    assert results[failing].status in ("failed", "error"), results[failing]


@pytest.mark.parametrize("style", [{}, dict(float32_acc=True, zero_after=True, twice=True)],
                         ids=["plain", "all_styles"])
def test_correct_loops_score_the_same_on_inputs_drawn_at_grading(style):
    for seed in (1, 2**62 + 12345):
        assert failures(grade(loop(**style), seed=seed)) == []


def test_drawn_scenarios_are_not_the_kits_and_repeat_for_a_seed():
    kit = expect.expected("epoch_loop")["train_step"][0]["probe"]["weights"]
    drawn = expect.drawn("epoch_loop", 99)["train_step"][0]["probe"]["weights"]
    assert not np.allclose(kit["linear1.weight"], drawn["linear1.weight"])
    assert expect.drawn("epoch_loop", 98) != expect.drawn("epoch_loop", 99)
    from toyopt.oracles.epoch_loop import produce_drawn

    assert expect.drawn("epoch_loop", 99) == produce_drawn(99)  # a re-grade draws the same


def test_lookup_table_of_the_kits_expectations_passes_no_value_check_at_grading():
    import json

    table = hostile_loop("lookup_table", EXPECTATIONS=json.dumps(expect.build(("epoch_loop",))["epoch_loop"]))
    assert failures(grade(table)) == []  # the kit's own inputs: it replays them all
    passed = {r.id for r in grade(table, seed=5) if r.passed}
    assert passed <= {"epoch_loop.returns"}, passed


def test_probe_switches_turned_off_score_what_the_honest_loop_scores():
    attacked = grade(hostile_loop("probe_switches", SWITCHES=True), CHECKS)
    honest = grade(hostile_loop("probe_switches", SWITCHES=False), CHECKS)
    assert [(r.id, r.score) for r in attacked] == [(r.id, r.score) for r in honest]
    assert {r.id for r in attacked if not r.passed} >= {"epoch_loop.eval_values"}


def test_probe_network_has_no_switch_on_the_model():
    weights = {k: np.asarray(v) for k, v in expect.expected("epoch_loop")["train_step"][0]["probe"]["weights"].items()}
    net = probe.build_network(weights, reveal_graph=True)
    x = torch.rand(50, 2) * 2 - 1
    with torch.no_grad():
        evaluated = net.eval()(x)
    net.reveal_mode = net.reveal_graph = False  # the switches once read from here
    for name, value in list(vars(net).items()):
        if isinstance(value, bool) and name != "training":
            setattr(net, name, not value)
    assert list(net.buffers()) == []
    with torch.no_grad():
        train = net.train()(x)
    with_graph = net.eval()(x).detach()
    assert (train - evaluated).abs().max() > 1e-2
    assert torch.allclose(with_graph - evaluated, torch.full_like(evaluated, probe.GRAPH_MARK))


def test_do_nothing_scores_at_most_a_fifth():
    def epoch_loop(model, db, criterion, optimiser=None, device=None):
        labels = np.asarray(db[1]) >= 0.5
        return 100.0, 0.0, labels

    results = run_checks(InProcessTarget.for_namespace({"epoch_loop": epoch_loop}), CHECKS, cuda_available=False)
    assert sum(r.score for r in results) <= 5


def test_probe_network_output_reveals_mode_and_autograd():
    weights = {k: np.asarray(v) for k, v in expect.expected("epoch_loop")["train_step"][0]["probe"]["weights"].items()}
    net = probe.build_network(weights, reveal_graph=True)
    x = torch.rand(50, 2) * 2 - 1
    with torch.no_grad():
        train = net.train()(x)
        evaluated = net.eval()(x)
    with_graph = net.eval()(x).detach()
    assert (train - evaluated).abs().max() > 1e-2
    assert torch.allclose(with_graph - evaluated, torch.full_like(evaluated, probe.GRAPH_MARK))
    assert not any(hasattr(net, name) for name in ("records", "record", "calls", "steps"))


def test_scenarios_discriminate_a_missed_or_extra_step():
    for key in ("train_step", "no_accumulation", "optimiser_state"):
        for sc in expect.expected("epoch_loop")[key]:
            before = sc["probe"]["weights"]
            for call, want in zip(sc["probe"]["calls"], sc["want"]):
                moved = max(np.max(np.abs(np.asarray(want["params"][n]) - np.asarray(before[n])))
                            for n in el.PARAM_NAMES)
                if call["train"]:
                    assert moved > 1e-3, (key, sc["name"])  # >> the 1e-5 relative tolerance
                else:
                    assert moved == 0, (key, sc["name"])
                before = want["params"]


def test_scenarios_have_mixed_labels_and_no_prediction_within_rounding_of_half():
    for key, scs in expect.expected("epoch_loop").items():
        for sc in scs:
            for want in sc["want"]:
                pred = np.asarray(want["prediction"])
                gap = np.abs(pred - 0.5)
                assert np.all((gap > 1e-5) | (gap == 0)), (key, sc["name"])


def test_accuracy_tolerance_admits_float32_and_separates_counts():
    for n in (1, 7, 23, 1000):
        assert el.accuracy_atol(n) < 100 / n / 2
        counts = np.arange(n + 1)
        f32 = (torch.tensor(counts, dtype=torch.float32) / n * 100).numpy()
        assert np.all(np.abs(f32 - counts / n * 100) <= el.accuracy_atol(n))


def test_strict_criterion_names_a_float64_target():
    crit = probe.ProbeCriterion("MSE", strict=True)
    crit.n = 3
    with pytest.raises(TypeError, match="float32 tensor of shape \\(3,\\)"):
        crit(torch.zeros(3), torch.zeros(3, dtype=torch.float64))
    with pytest.raises(TypeError, match="flattened"):
        crit(torch.zeros(3, 1), torch.zeros(3))


def test_visible_checks_do_not_import_the_reference_nor_train():
    tree = ast.parse(Path(el.__file__).read_text())
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not any(m.startswith(("toyopt_ref", "toyopt.oracles", "torch")) for m in imported), imported


def test_visible_checks_grade_from_a_data_file_without_the_reference(tmp_path, monkeypatch):
    import json

    data = tmp_path / "expectations.json"
    data.write_text(json.dumps(expect.build(["epoch_loop"])))
    expect.use_file(data)
    try:
        monkeypatch.setitem(sys.modules, "toyopt_ref", None)
        monkeypatch.setitem(sys.modules, "toyopt_ref.training", None)
        results = grade(loop(float32_acc=True))
    finally:
        expect.use_file(None)
    assert failures(results) == []


def test_cuda_check_is_skipped_without_gpu_and_scores_nothing():
    cuda = [c for c in CHECKS if c.device == "cuda"]
    assert cuda and all(c.points == 0 for c in cuda)
    results = run_checks(InProcessTarget.reference(), cuda, cuda_available=False)
    assert all(r.status == "skipped" for r in results)


def test_every_clause_is_words_of_the_reference_docstring_and_secondaries_require_primaries():
    from toyopt_ref.training import epoch_loop

    doc = " ".join(epoch_loop.__doc__.split())
    for chk in CHECKS:
        assert chk.clause and " ".join(chk.clause.split()) in doc, chk.id
    primaries = {"epoch_loop.returns", "epoch_loop.eval_values", "epoch_loop.train_step",
                 "epoch_loop.train_step[cuda]"}
    for chk in CHECKS:
        assert chk.id in primaries or chk.requires, chk.id


def test_stub_scores_zero_with_not_implemented_message():
    def epoch_loop(model, db, criterion, optimiser=None, device=None):
        raise NotImplementedError("epoch_loop")

    results = run_checks(InProcessTarget.for_namespace({"epoch_loop": epoch_loop}), CHECKS, cuda_available=False)
    assert sum(r.score for r in results) == 0
    assert all(r.status in ("not_implemented", "skipped") for r in results)


def test_student_exception_is_reported_without_grader_frames():
    def epoch_loop(model, db, criterion, optimiser=None, device=None):
        return 1 / 0

    results = grade(epoch_loop, VISIBLE[:1])
    assert results[0].status == "error" and "ZeroDivisionError" in results[0].message
    assert "toyopt/" not in results[0].message


def test_a_missing_zero_grad_is_told_that_gradients_accumulate():
    from corpus_tools import CORPUS, grade, load

    mutant = load(CORPUS / "epoch_loop" / "mutant_no_zero_grad.py")
    failed = {r.id: r.message for r in grade("epoch_loop", mutant.epoch_loop) if r.status == "failed"}
    assert "epoch_loop.no_accumulation" in failed, failed
    assert "accumulate across steps" in failed["epoch_loop.no_accumulation"]
    assert "optimiser.zero_grad()" in failed["epoch_loop.no_accumulation"]
