"""The spiral_2d checks on a corpus: the reference and >= 3 different correct
versions get full marks; each mutant fails exactly the checks its
`EXPECT_FAILED` names (its docstring says what the bug is)."""

import pytest

from corpus_tools import corpus_files, grade, grade_reference, load

EX = "spiral_2d"
CORRECT = corpus_files(EX, "correct")
MUTANTS = corpus_files(EX, "mutant")


def test_corpus_is_big_enough():
    assert len(CORRECT) >= 3 and len(MUTANTS) >= 8


def test_reference_gets_full_marks():
    results = grade_reference(EX)
    assert [r.message for r in results if not r.passed] == []
    assert sum(r.score for r in results) == 25


@pytest.mark.parametrize("path", CORRECT, ids=[p.stem for p in CORRECT])
def test_correct_version_gets_full_marks(path):
    results = grade(EX, load(path).spiral_2d)
    assert [(r.id, r.message) for r in results if not r.passed] == []
    assert sum(r.score for r in results) == 25


@pytest.mark.parametrize("path", MUTANTS, ids=[p.stem for p in MUTANTS])
def test_mutant_fails_exactly_its_checks(path):
    module = load(path)
    assert module.__doc__ and "Bug" in module.__doc__
    results = grade(EX, module.spiral_2d)
    failed = {r.id for r in results if not r.passed}
    assert failed == set(module.EXPECT_FAILED), [(r.id, r.message) for r in results if not r.passed]
    assert sum(r.score for r in results) < 25
    assert all(r.status == "failed" and r.message for r in results if not r.passed)


def test_loop_version_loses_only_the_vectorisation_points():
    results = grade(EX, load(corpus_files(EX, "mutant")[0].parent / "mutant_loop_over_points.py").spiral_2d)
    assert sum(r.score for r in results) == 20
    assert [r.id for r in results if not r.passed] == ["spiral_2d.vectorised"]


def test_grading_is_deterministic():
    func = load(MUTANTS[0]).spiral_2d
    first = [(r.id, r.status, r.score, r.message) for r in grade(EX, func)]
    again = [(r.id, r.status, r.score, r.message) for r in grade(EX, func)]
    assert first == again
