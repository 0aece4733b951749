"""Verdicts no submission can steer (issue 20): each attack of
``tests/hostile/`` that once steered a verdict, graded by `toyopt grade`'s
path (sandbox, grading seed, live oracle), scores what its genuine work
earns, on an idle machine and with a CPU hog beside the grading.

* ``probe_switches``: forgets ``model.eval()`` / ``torch.no_grad()`` and turns
  off the probe network's old switches: scores as the same loop told honestly;
* ``special_case``: a loop hidden from the syntax tree that special-cases the
  kit's timed size: scores as the same hidden loop without it (all but the
  vectorisation check's 5 points);
* ``slow_yardstick``: the hidden loop, plus code slowing every yardstick the
  worker holds: the same;
* ``lookup_table``: the kit's expectations.json replayed, no training code:
  passes no value check at grading (only the types of what it returns).

Each submission is the reference with one attack appended, graded on the
attacked exercise only, one at a time (the timing is part of the claim).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from grade_support import attack, reference_submission, scores, selective_grade

from toyopt.grading.bulk import grade_many
from toyopt.sandbox import bwrap_works
from toyopt_check.checks import expect

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not bwrap_works(), reason="the claims need bubblewrap")]

SPIRAL, EPOCH = ("spiral_2d",), ("epoch_loop",)
ONLY = {"reference": (*SPIRAL, *EPOCH), "probe_switches": EPOCH, "switches_told_honestly": EPOCH,
        "special_case": SPIRAL, "hidden_loop": SPIRAL, "slow_yardstick": SPIRAL, "lookup_table": EPOCH}


def submissions(root: Path) -> list[Path]:
    def ref(name):
        return reference_submission(root / name)

    timed = expect.expected("spiral_2d")["timing"]["large"]  # what the kit tells a student
    kit = json.dumps(expect.build(EPOCH)["epoch_loop"])       # what release writes into the kit
    ref("reference")
    attack(ref("probe_switches"), "probe_switches", "training.py", SWITCHES=True)
    attack(ref("switches_told_honestly"), "probe_switches", "training.py", SWITCHES=False)
    attack(ref("special_case"), "hidden_loop_spiral", "data.py", TIMED=timed)
    attack(ref("hidden_loop"), "hidden_loop_spiral", "data.py", TIMED=None)
    attack(ref("slow_yardstick"), "slow_yardstick", "data.py")
    attack(ref("lookup_table"), "lookup_table", "training.py", EXPECTATIONS=kit)
    return sorted(root.iterdir())


def cpu_hog():
    """A process that keeps one core busy until killed."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


@pytest.fixture(scope="module", params=["idle", "loaded"])
def graded(request, tmp_path_factory):
    base = tmp_path_factory.mktemp(f"steering-{request.param}")
    secret = base / "grading-secret"
    secret.write_text("ab" * 32 + "\n")
    old = os.environ.get("TOYOPT_GRADING_SECRET")
    os.environ["TOYOPT_GRADING_SECRET"] = str(secret)
    hog = cpu_hog() if request.param == "loaded" else None
    try:
        sources = submissions(base / "submissions")
        grade_many(sources, base / "out", jobs=1, timeout=120.0, progress=False, figures=False,
                   grade=selective_grade, only=ONLY)
    finally:
        if hog is not None:
            hog.kill()
            hog.wait()
        if old is None:
            del os.environ["TOYOPT_GRADING_SECRET"]
        else:
            os.environ["TOYOPT_GRADING_SECRET"] = old
    results = {p.name: json.loads((base / "out" / p.name / "results.json").read_text()) for p in sources}
    return {"scores": {k: scores(v) for k, v in results.items()}, "results": results}


def checks_of(graded, name, exercise):
    return {t["name"]: (t["score"], t["output"]) for t in graded["results"][name]["tests"]
            if exercise in t["tags"]}


def full_marks(graded, exercise):
    return sum(t["max_score"] for t in graded["results"]["reference"]["tests"] if exercise in t["tags"])


def test_reference_keeps_full_marks(graded):
    got = graded["scores"]["reference"]
    for exercise in (*SPIRAL, *EPOCH):
        assert got[exercise] == full_marks(graded, exercise) > 0, checks_of(graded, "reference", exercise)


def test_probe_switches_score_what_the_honest_loop_scores(graded):
    attacked = graded["scores"]["probe_switches"]["epoch_loop"]
    honest = graded["scores"]["switches_told_honestly"]["epoch_loop"]
    assert attacked == honest < full_marks(graded, "epoch_loop"), checks_of(graded, "probe_switches", "epoch_loop")


def test_special_casing_the_kits_timed_size_scores_as_the_hidden_loop(graded):
    loop = full_marks(graded, "spiral_2d") - 5  # all but the vectorisation check's 5
    assert graded["scores"]["special_case"]["spiral_2d"] == graded["scores"]["hidden_loop"]["spiral_2d"] == loop, \
        checks_of(graded, "special_case", "spiral_2d")


def test_slowing_the_workers_yardsticks_scores_as_the_hidden_loop(graded):
    loop = full_marks(graded, "spiral_2d") - 5
    assert graded["scores"]["slow_yardstick"]["spiral_2d"] == loop, checks_of(graded, "slow_yardstick", "spiral_2d")


def test_lookup_table_of_the_kits_expectations_passes_no_value_check(graded):
    got = checks_of(graded, "lookup_table", "epoch_loop")
    scored = {name for name, (score, _) in got.items() if score}
    assert graded["scores"]["lookup_table"]["epoch_loop"] <= 3, got
    assert all("returns" in name for name in scored), scored
