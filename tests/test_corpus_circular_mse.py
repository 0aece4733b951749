"""The circular_mse corpus: correct variants get full marks, every mutant loses marks."""

import importlib.util
from pathlib import Path

import pytest

from toyopt.checks.core import all_checks, run_checks
from toyopt.checks.target import InProcessTarget

EXERCISE = "circular_mse"
CORPUS = Path(__file__).parent / "corpus" / EXERCISE
CORRECT = sorted(CORPUS.glob("correct_*.py"))
MUTANTS = sorted(CORPUS.glob("mutant_*.py"))


def load(path):
    spec = importlib.util.spec_from_file_location(f"corpus_{EXERCISE}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def grade(func):
    target = InProcessTarget.for_namespace({EXERCISE: func})
    return run_checks(target, all_checks((EXERCISE,)), cuda_available=False)


def score(results):
    return sum(r.score for r in results), sum(r.max_score for r in results)


def test_corpus_is_big_enough():
    assert len(CORRECT) >= 3 and len(MUTANTS) >= 8


def test_reference_gets_full_marks():
    results = run_checks(InProcessTarget.reference(), all_checks((EXERCISE,)), cuda_available=False)
    got, total = score(results)
    assert total == 25
    assert got == total, [(r.id, r.message, r.staff_detail) for r in results if not r.passed]


@pytest.mark.parametrize("path", CORRECT, ids=lambda p: p.stem)
def test_correct_variant_gets_full_marks(path):
    results = grade(load(path).circular_mse)
    got, total = score(results)
    assert got == total, [(r.id, r.message, r.staff_detail) for r in results if not r.passed]


@pytest.mark.parametrize("path", MUTANTS, ids=lambda p: p.stem)
def test_mutant_loses_marks(path):
    module = load(path)
    assert module.__doc__ and module.__doc__.startswith("Bug:"), "a mutant's docstring says what the bug is"
    results = grade(module.circular_mse)
    got, total = score(results)
    assert got < total
    assert all(r.status in ("passed", "failed", "error", "skipped") for r in results)
    assert not any(r.staff_detail for r in results), "a grader crash is not a verdict"
