"""Loading corpus files (`tests/corpus/<exercise>/*.py`) and grading them."""

import importlib.util
from pathlib import Path

import toyopt.checks  # noqa: F401  (registers the hidden checks with all_checks)
from toyopt_check.checks import all_checks, run_checks
from toyopt_check.checks.target import InProcessTarget

CORPUS = Path(__file__).resolve().parent / "corpus"


def corpus_files(exercise, kind):
    """The `kind` ("correct", "mutant" or "nothing") files of `exercise`, sorted."""
    return sorted((CORPUS / exercise).glob(f"{kind}_*.py"))


def load(path):
    spec = importlib.util.spec_from_file_location(f"corpus_{path.parent.name}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def grade(exercise, func, seed=None):
    """Results of `exercise`'s checks on the plain function `func`; with
    `seed`, as at grading (the visible checks add inputs drawn from it)."""
    target = InProcessTarget.for_namespace({exercise: func})
    target.grading_seed = seed
    return run_checks(target, all_checks((exercise,)), cuda_available=False)


def grade_reference(exercise):
    return run_checks(InProcessTarget.reference(), all_checks((exercise,)), cuda_available=False)
