"""Same points on every route (issues 9 and 11), on a sample of the corpus.

`bench/route_identity.py` grades corpus cases on five routes: the repository's
``pytest autograder`` (live expectations), the student kit's (expectations
from the release's data file, visible checks), ``toyopt grade`` of the package
and of the notebook, and nbgrader's sandboxed execute step. Its run on the
whole corpus is recorded in docs/corpus.md; here three rounds (twelve cases:
a correct variant, a mutant and a nothing case of every exercise) hold every
route to the same per-check points.
"""

import sys

import pytest
from grade_support import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import route_identity

from toyopt.sandbox import bwrap_works

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not bwrap_works(), reason="the sandboxed routes need bubblewrap")]


def _sample() -> list[dict]:
    from corpus_tools import corpus_files

    from toyopt_check.checks import EXERCISES

    # the middle case of each kind: not the first, which other tests already grade
    return [{ex: corpus_files(ex, kind)[len(corpus_files(ex, kind)) // 2] for ex in EXERCISES}
            for kind in route_identity.KINDS]


def test_every_route_gives_every_check_the_same_points():
    rounds = _sample()
    results, lines = route_identity.route_rounds(rounds, jobs=1)
    assert lines == []
    for round_, got in zip(rounds, results):
        live = got["live"]
        # every route graded the checks it owns: nothing silently dropped
        assert set(live) == set(got["grade"]) == set(got["notebook"]), round_
        assert set(got["kit"]) <= set(live) and set(got["nbgrader"]) <= set(live)
        assert len(got["kit"]) >= 30 and len(got["nbgrader"]) >= 30
    # the sample means something: a correct round earns points, and the mutants lose some
    correct, mutant, _ = results
    assert sum(correct["live"].values()) > sum(mutant["live"].values()) > 0


def test_a_disagreement_is_reported_with_the_case_and_the_routes():
    round_ = {"spiral_2d": ROOT / "tests" / "corpus" / "spiral_2d" / "x.py"}
    got = {route: {"spiral_2d.layout": 4.0} for route in route_identity.ROUTES}
    got["nbgrader"]["spiral_2d.layout"] = 0.0
    assert route_identity.disagreements(round_, got) == [
        "spiral_2d/x.py spiral_2d.layout: live 4, kit 4, grade 4, notebook 4, nbgrader 0"]
