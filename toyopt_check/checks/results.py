"""Serialisation of `CheckResult`s, in one place: Gradescope's results.json,
the score table, per-exercise totals.

Every front-end (`pytest autograder`, `toyopt grade`, the CSV gradebook)
goes through these functions, so a format is written once. They take any
iterable of `CheckResult` (checks of unknown exercises included) and never
read a result's `staff_detail`: nothing here is for staff only.
"""

from __future__ import annotations

from .core import EXERCISES, CheckResult


def _number(value: float):
    """A score as JSON: an int when it is whole (2 rather than 2.0)."""
    value = float(value)
    return int(value) if value.is_integer() else round(value, 6)


def _counts(res: CheckResult) -> bool:
    """Skipped checks (CUDA without a GPU) count towards neither score nor possible points."""
    return res.status != "skipped"


def _exercise_order(results) -> list[str]:
    seen = [r.exercise for r in results]
    known = [ex for ex in EXERCISES if ex in seen]
    return known + [ex for ex in dict.fromkeys(seen) if ex not in EXERCISES]


def exercise_totals(results) -> dict[str, dict]:
    """``{exercise: {"score", "max_score", "passed", "checks"}}`` in tutorial
    order (exercises without results are absent)."""
    results = list(results)
    totals = {}
    for ex in _exercise_order(results):
        mine = [r for r in results if r.exercise == ex and _counts(r)]
        totals[ex] = {
            "score": _number(sum(r.score for r in mine)),
            "max_score": _number(sum(r.max_score for r in mine)),
            "passed": sum(r.passed for r in mine),
            "checks": len(mine),
        }
    return totals


def total(results) -> tuple[float, float]:
    """``(score, max_score)`` over all gradable results."""
    results = [r for r in results if _counts(r)]
    return _number(sum(r.score for r in results)), _number(sum(r.max_score for r in results))


def _fmt(value) -> str:
    return f"{float(value):g}"


def score_table(results) -> str:
    """A plain-text table: one row per exercise (earned / possible, checks
    passed), then the total."""
    results = list(results)
    totals = exercise_totals(results)
    width = max([len("exercise"), len("total")] + [len(ex) for ex in totals])
    lines = [f"{'exercise':<{width}}  {'score':>13}  {'checks passed':>13}"]
    lines.append("-" * len(lines[0]))
    for ex, row in totals.items():
        score = f"{_fmt(row['score'])} / {_fmt(row['max_score'])}"
        lines.append(f"{ex:<{width}}  {score:>13}  {row['passed']:>6} / {row['checks']:<4}")
    lines.append("-" * len(lines[0]))
    got, possible = total(results)
    passed = sum(r.passed for r in results if _counts(r))
    checks = sum(_counts(r) for r in results)
    lines.append(f"{'total':<{width}}  {_fmt(got) + ' / ' + _fmt(possible):>13}  {passed:>6} / {checks:<4}")
    return "\n".join(line.rstrip() for line in lines)


def to_gradescope(results, execution_time: float, output: str | None = None) -> dict:
    """Gradescope's results.json as a dict.

    One test per result, numbered ``"<exercise>.<check>"`` (1-based, tutorial
    order); ``tags`` holds the exercise name. Skipped checks appear with
    ``max_score`` 0. `output` (default: the score table) is the top-level text.
    """
    results = list(results)
    order = _exercise_order(results)
    tests, seen = [], {}
    for res in results:
        ex_no = order.index(res.exercise) + 1
        seen[res.exercise] = seen.get(res.exercise, 0) + 1
        tests.append({
            "name": f"{res.id}: {res.title}",
            "number": f"{ex_no}.{seen[res.exercise]}",
            "score": _number(res.score if _counts(res) else 0),
            "max_score": _number(res.max_score if _counts(res) else 0),
            "status": "failed" if _counts(res) and not res.passed else "passed",  # Gradescope's two
            "output": res.message if res.message else ("passed" if res.passed else ""),
            "output_format": "text",
            "tags": [res.exercise],
            "visibility": res.visibility,
        })
    score, max_score = total(results)
    return {
        "score": score,
        "max_score": max_score,
        "execution_time": _number(round(float(execution_time), 3)),
        "output": score_table(results) if output is None else output,
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
