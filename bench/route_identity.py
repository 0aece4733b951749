"""Per-check points of every corpus case on every grading route, compared.

    PYTHONPATH=. python bench/route_identity.py [--jobs 2] [--rounds N] [--out FILE]

Issue 9 asks that the student kit's ``pytest autograder`` give the same
per-check verdicts as ``toyopt grade``; issue 11 that a notebook get the same
points from nbgrader's sandboxed step, from ``toyopt grade notebook.ipynb`` and
from ``pytest autograder`` on the same code. Each corpus case
(``tests/corpus/<exercise>/*.py``) is graded on five routes:

``live``      the repository's ``pytest autograder --submission``: the checks in
              this process (`InProcessTarget` on the package), expected values
              from the live reference, hidden checks included;
``kit``       the student kit's ``pytest autograder``: the same, with the expected
              values read from the ``expectations.json`` the release writes, and
              the visible checks only;
``grade``     ``toyopt grade FOLDER``: the package in the sandbox;
``notebook``  ``toyopt grade notebook.ipynb``: the case written into the
              release notebook's solution cell, its definitions in the sandbox;
``nbgrader``  nbgrader's execute step (`SandboxedExecute`'s `grade_notebook`):
              the whole notebook run in the sandbox, test cells graded outside,
              points read off the test cells' outputs as nbgrader scores them.

A round grades four cases at once, the n-th case of each exercise (an
exercise's checks call only that exercise's function), so the corpus takes
as many rounds as its largest exercise has cases. A check's points must be
the same on every route that runs it (the kit runs no hidden check; a
notebook test cell per check). Prints a summary and every disagreement;
exits 1 on any. `route_rounds` is what ``tests/bench/test_route_identity.py`` runs
on a sample.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import toyopt.checks  # noqa: F401  (registers the hidden checks with all_checks)

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

ROUTES = ("live", "kit", "grade", "notebook", "nbgrader")
KINDS = ("correct", "mutant", "nothing")


def corpus_cases() -> dict:
    """``{exercise: [path, ...]}``: every case of the corpus, correct, mutant and nothing ones."""
    from corpus_tools import corpus_files

    from toyopt_check.checks import EXERCISES

    return {ex: [p for kind in KINDS for p in corpus_files(ex, kind)] for ex in EXERCISES}


def rounds_of(cases: dict) -> list[dict]:
    """``[{exercise: path}]``: round n takes the n-th case of every exercise that has one."""
    count = max(len(v) for v in cases.values())
    return [{ex: paths[n] for ex, paths in cases.items() if n < len(paths)} for n in range(count)]


def _package(folder: Path, round_: dict) -> Path:
    from grade_support import append

    from toyopt_check.inside.runtime import EXERCISE_MODULES

    shutil.copytree(ROOT / "exercises", folder / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    for exercise, path in round_.items():
        append(folder, f"{EXERCISE_MODULES[exercise]}.py", path.read_text(encoding="utf-8"))
    return folder


def _notebook(path: Path, round_: dict):
    """The release notebook (what generate_assignment gives students: solutions and
    hidden tests cleared) with each case pasted into its exercise's solution cell;
    returns the source notebook (the gradebook's copy: its test cells name the checks)."""
    import nbformat
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    from toyopt.notebook import render

    source = nbformat.reads(render(), 4)
    release, _ = ClearSolutions().preprocess(nbformat.reads(render(), 4), {})
    release, _ = ClearHiddenTests().preprocess(release, {})
    for cell in release.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in round_:
            cell.source = round_[gid].read_text(encoding="utf-8")  # as a student would paste it
    nbformat.write(release, path)
    return source


def _points(results, exercises) -> dict:
    return {r.id: float(r.score) for r in results if r.exercise in exercises}


def _in_process(folder: Path, exercises, expectations: Path | None) -> dict:
    from toyopt_check.checks import all_checks, expect, run_checks
    from toyopt_check.checks.target import InProcessTarget

    checks = all_checks(tuple(exercises))
    if expectations is not None:
        checks = [c for c in checks if c.visibility == "visible"]
        expect.use_file(expectations)
    try:
        target = InProcessTarget.for_package(folder)
        return _points(run_checks(target, checks, cuda_available=False), exercises)
    finally:
        expect.use_file(None)


def _nbgrader(nb, source, exercises) -> dict:
    from toyopt.nbgrader.execute import checks_of_source, grade_notebook

    tests = {c.metadata["nbgrader"]["grade_id"]: checks_of_source(c.source) for c in source.cells
             if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")}
    nb, _ = grade_notebook(nb, {"nbgrader": {"notebook": "case"}}, tests=tests, cell_timeout=120)
    points = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        spec = tests.get(meta.get("grade_id"))
        if not spec or spec[0] not in exercises or not spec[1]:
            continue
        if len(spec[1]) != 1:
            raise AssertionError(f"test cell {meta.get('grade_id')} grades {spec[1]}: one check a cell expected")
        failed = any(o.output_type == "error" for o in cell.outputs)
        points[spec[1][0]] = 0.0 if failed else float(meta["points"])
    return points


def grade_round(round_: dict, expectations: str) -> dict:
    """``{route: {check id: points}}`` of one round (run in a worker process)."""
    import nbformat
    import torch

    from toyopt.grading.report import grade_submission

    torch.set_num_threads(1)
    exercises = set(round_)
    with tempfile.TemporaryDirectory(prefix="toyopt-routes-") as tmp:
        tmp = Path(tmp)
        folder = _package(tmp / "package", round_)
        notebook = tmp / "case.ipynb"
        source = _notebook(notebook, round_)
        got = {
            "live": _in_process(folder, exercises, None),
            "kit": _in_process(folder, exercises, Path(expectations)),
            "grade": _points(grade_submission(folder, timeout=120, figures=False).results, exercises),
            "notebook": _points(grade_submission(notebook, timeout=120, figures=False).results, exercises),
            "nbgrader": _nbgrader(nbformat.read(notebook, 4), source, exercises),
        }
    return got


def disagreements(round_: dict, got: dict) -> list[str]:
    """One line per check whose points differ between two routes that ran it."""
    lines = []
    ids = sorted(set().union(*(set(v) for v in got.values())))
    for chk in ids:
        seen = {route: got[route][chk] for route in ROUTES if chk in got[route]}
        if len(set(seen.values())) > 1:
            case = round_[chk.split(".", 1)[0]]
            lines.append(f"{case.parent.name}/{case.name} {chk}: " +
                         ", ".join(f"{r} {p:g}" for r, p in seen.items()))
    missing = [r for r in ("live", "grade", "notebook") if not got[r]]
    if missing:
        lines.append(f"round {sorted(p.name for p in round_.values())}: no results on {missing}")
    return lines


def write_expectations(folder: Path) -> Path:
    """The expectations file the release writes, into `folder`."""
    from toyopt_check.checks import EXERCISES, expect

    path = folder / "expectations.json"
    path.write_text(json.dumps(expect.build(EXERCISES)), encoding="utf-8")
    return path


def route_rounds(rounds: list[dict], jobs: int = 1) -> tuple[list[dict], list[str]]:
    """Grade `rounds` on every route: ``(per-round results, disagreement lines)``."""
    with tempfile.TemporaryDirectory(prefix="toyopt-expect-") as tmp:
        expectations = str(write_expectations(Path(tmp)))
        if jobs <= 1:
            results = [grade_round(r, expectations) for r in rounds]
        else:
            with ProcessPoolExecutor(jobs) as pool:
                results = list(pool.map(grade_round, rounds, [expectations] * len(rounds)))
    lines = [line for r, got in zip(rounds, results) for line in disagreements(r, got)]
    return results, lines


ROUTE_TEXT = {
    "live": "the repository's `pytest autograder --submission` (in process, live expectations, hidden checks)",
    "kit": "the kit's `pytest autograder` (in process, the release's `expectations.json`, visible checks)",
    "grade": "`toyopt grade FOLDER` (the package in the sandbox)",
    "notebook": "`toyopt grade notebook.ipynb` (the release notebook, its definitions in the sandbox)",
    "nbgrader": "nbgrader's `SandboxedExecute` (the whole notebook in the sandbox; points off its test cells)",
}


def report(rounds: list[dict], results: list[dict], lines: list[str], seconds: float, jobs: int) -> str:
    """The Markdown page (docs/routes.md)."""
    from toyopt_check.checks import EXERCISES, all_checks

    graded = sum(len(r) for r in rounds)
    out = ["# The same points on every route", "",
           "Generated by `PYTHONPATH=. python bench/route_identity.py --jobs 2 > docs/routes.md`; "
           "`tests/bench/test_route_identity.py` runs three of its rounds in CI. Every case of "
           "`tests/corpus/` (correct variants, mutants, nothing cases) is graded on five routes, "
           "four cases a round (the n-th case of each exercise, pasted into the package's module "
           "and into the release notebook's solution cell as a student would); a check's points "
           "must be the same on every route that runs it.", "",
           f"{graded} cases in {len(rounds)} rounds, {seconds:.0f} s on {jobs} worker processes "
           "(2 cores).", "",
           "| route | what | check verdicts |", "|---|---|---:|"]
    for route in ROUTES:
        count = sum(len(got[route]) for got in results)
        out.append(f"| `{route}` | {ROUTE_TEXT[route]} | {count} |")
    out += ["", "| exercise | cases | check verdicts compared | cases at full marks | disagreements |",
            "|---|---:|---:|---:|---:|"]
    for exercise in EXERCISES:
        cases = [(r, got) for r, got in zip(rounds, results) if exercise in r]
        compared = sum(len({c for route in ROUTES for c in got[route] if c.split(".")[0] == exercise})
                       for _, got in cases)
        owned = {c.id: c.points for c in all_checks((exercise,))}
        full = 0
        for _, got in cases:
            live = {c: p for c, p in got["live"].items() if c in owned}
            full += bool(live) and all(live[c] == owned[c] for c in live)
        wrong = sum(1 for line in lines if line.startswith(f"{exercise}/"))
        out.append(f"| {exercise} | {len(cases)} | {compared} | {full} | {wrong} |")
    out += ["", f"**{len(lines)} disagreement(s).**"]
    out += [f"- {line}" for line in lines]
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=None, help="only the first N rounds")
    parser.add_argument("--out", type=Path, default=None, help="also write the per-round points as JSON")
    parser.add_argument("--from-json", type=Path, default=None,
                        help="print the page from an earlier run's --out file instead of grading")
    args = parser.parse_args(argv)
    if args.from_json:
        data = json.loads(args.from_json.read_text(encoding="utf-8"))
        rounds = [{ex: ROOT / p for ex, p in item["round"].items()} for item in data["rounds"]]
        results = [item["points"] for item in data["rounds"]]
        lines = [line for r, got in zip(rounds, results) for line in disagreements(r, got)]
        print(report(rounds, results, lines, data["seconds"], data["jobs"]), end="")
        return 1 if lines else 0
    cases = corpus_cases()
    rounds = rounds_of(cases)[: args.rounds]
    start = time.perf_counter()
    results, lines = route_rounds(rounds, args.jobs)
    seconds = time.perf_counter() - start
    if args.out:
        args.out.write_text(json.dumps({"seconds": seconds, "jobs": args.jobs, "rounds": [
            {"round": {ex: str(p.relative_to(ROOT)) for ex, p in r.items()}, "points": got}
            for r, got in zip(rounds, results)]}, indent=1), encoding="utf-8")
    print(report(rounds, results, lines, seconds, args.jobs), end="")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
