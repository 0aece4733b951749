"""Expected values as data: what a visible check compares a submission against.

A visible check never solves the exercise (the kit ships the checks, so an
oracle inside one would hand out the answer): it reads ``expected(exercise)``,
a JSON-able dict of fixed inputs, the reference's outputs and thresholds. In
the kit it comes from ``expectations.json`` beside this module (written by
``toyopt release``); on the instructor's side from the *producer* that
``toyopt.oracles.<exercise>`` registers, run on the live reference (a test
holds the two to the same verdicts on the corpus).

At grading a target carries a *grading seed* (``target.grading_seed``: a
secret combined with the submission's hash); ``drawn_for(target, exercise)``
then gives inputs drawn from it by the oracle's *drawn producer*, so a table
of the kit's fixed expectations earns nothing. Without a seed it is None.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Callable

#: the file the release writes into the student runtime
DATA_FILE = Path(__file__).resolve().parent / "expectations.json"

_PRODUCERS: dict[str, Callable[[], dict]] = {}
_DRAWN: dict[str, Callable[[int], dict]] = {}
_CACHE: dict[str, dict] = {}
_DRAWN_CACHE: dict[tuple[str, int], dict] = {}
_FILES: dict[Path, dict] = {}  # a data file, parsed once (the kit's is ~0.7 MB)
_SOURCE = {"path": None}  # None: the file beside this module if present, else live


class ExpectationsMissing(LookupError):
    """No expected values for an exercise: a broken kit or a grader bug (not the student's fault)."""


def _registrar(registry: dict, exercise: str):
    def register(func):
        registry[exercise] = func
        return func

    return register


def producer(exercise: str):
    """Decorator (instructor side): ``func() -> dict`` computes `exercise`'s expectations."""
    return _registrar(_PRODUCERS, exercise)


def drawn_producer(exercise: str):
    """Decorator (instructor side): ``func(seed) -> dict``, the same on inputs drawn from `seed`."""
    return _registrar(_DRAWN, exercise)


def use_file(path=None):
    """Read expectations from `path` (``None``: back to the default lookup); clears the cache."""
    _SOURCE["path"] = None if path is None else Path(path)
    _CACHE.clear()
    _FILES.clear()


def use_live():
    """Compute expectations from the live reference even where a data file exists."""
    _SOURCE["path"] = "live"
    _CACHE.clear()


def _oracle(exercise: str, registry: dict) -> Callable:
    if exercise not in registry:
        try:
            importlib.import_module(f"toyopt.oracles.{exercise}")
        except ImportError as exc:
            raise ExpectationsMissing(
                f"no expectations for {exercise}: neither {DATA_FILE.name} nor the "
                "instructor's oracles are installed") from exc
    if exercise not in registry:
        raise ExpectationsMissing(f"toyopt.oracles.{exercise} registers no producer")
    return registry[exercise]


def _live(exercise: str) -> dict:
    # a JSON round trip: the live values have exactly the types the file would give
    return json.loads(json.dumps(_oracle(exercise, _PRODUCERS)()))


def drawn(exercise: str, seed: int) -> dict:
    """`exercise`'s expectations on inputs drawn from `seed`, computed live by
    its oracle (instructor side only: `ExpectationsMissing` in the kit)."""
    key = (exercise, int(seed))
    if key not in _DRAWN_CACHE:
        for old in [k for k in _DRAWN_CACHE if k[1] != key[1]]:  # keep only this seed's
            del _DRAWN_CACHE[old]
        _DRAWN_CACHE[key] = _oracle(exercise, _DRAWN)(int(seed))
    return _DRAWN_CACHE[key]


def drawn_for(target, exercise: str) -> dict | None:
    """`drawn` for the target's grading seed; None where it has none (the kit,
    the self-check, nbgrader's validate: fixed inputs only)."""
    seed = getattr(target, "grading_seed", None)
    return None if seed is None else drawn(exercise, seed)


def expected(exercise: str) -> dict:
    """`exercise`'s expectations, from the data file or the live reference."""
    if exercise in _CACHE:
        return _CACHE[exercise]
    source = _SOURCE["path"]
    path = DATA_FILE if source is None and DATA_FILE.exists() else source
    if path is None or path == "live":
        value = _live(exercise)
    else:
        if path not in _FILES:
            _FILES[path] = json.loads(path.read_text(encoding="utf-8"))
        data = _FILES[path]
        if exercise not in data:
            raise ExpectationsMissing(f"{path} holds no expectations for {exercise}")
        value = data[exercise]
    _CACHE[exercise] = value
    return value


def build(exercises) -> dict:
    """``{exercise: expectations}`` computed live (what the release writes)."""
    return {ex: _live(ex) for ex in exercises}
