"""The hostile wire and input corpus: forged reply frames, a scratch tree
3,000 folders deep, a zip of odd members beside genuine work.  Graded together
by `grade_many` (two jobs, figures on), each on the attacked exercise
(spiral_2d) and a bystander (plot_datasets).  Claims: every submission gets a
results.json and a feedback.html with a clear message, the genuine work scores
what it earns, nothing outside the out-dir changes, and the grading processes
stay under 1 GB (peak RSS; figures per case: bench/bench_wire.py).
"""

from __future__ import annotations

import json
import resource
import zipfile
from pathlib import Path

import pytest
from grade_support import attack, reference_submission, scores

from toyopt.grading.bulk import grade_many
from toyopt.grading.report import grade_submission
from toyopt_check.checks.core import all_checks

pytestmark = pytest.mark.slow

FORGED = ("announce_huge", "value_flood", "deep", "lying_npy", "many_arrays", "big_points",
          "wrong_types", "surrogate")
GRADED = ("spiral_2d", "plot_datasets")
PEAK_LIMIT_MB = 1024


def rss_grade(job, options):
    """Grade `GRADED` with figures, then record this pool process's peak RSS."""
    options = dict(options)
    rss_dir = Path(options.pop("rss_dir"))
    # A pool process forked late in a long test session starts with the session's own
    # high-water mark (ru_maxrss counts the pages it shares at fork): reset the peak
    # (Linux: "5" into clear_refs resets VmHWM) so that it measures this grading only.
    reset = _reset_peak()
    report = grade_submission(job.source, name=job.name, checks=all_checks(GRADED), **options)
    peak = _peak_mb() if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    (rss_dir / f"{job.name}.mb").write_text(str(peak))
    return report


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_mb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def odd_zip(base: Path) -> Path:
    ref = reference_submission(base / "odd_ref")
    path = base / "subs" / "odd_zip.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for file in sorted(ref.rglob("*.py")):
            zf.write(file, file.relative_to(ref).as_posix())
        zf.writestr(".", b"")
        zf.writestr("exercises/data.py/x.py", b"")
        zf.writestr("exercises/" + "n" * 300, b"")
        zf.writestr("exercises/" + "d/" * 60 + "f.py", b"")
    return path


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("wire")
    subs, out, rss = base / "subs", base / "out", base / "rss"
    rss.mkdir()
    reference_submission(subs / "reference")
    for kind in FORGED:
        attack(reference_submission(subs / kind), "forged_reply", "data.py", KIND=kind)
    attack(reference_submission(subs / "deep_scratch"), "deep_scratch", "data.py")
    odd_zip(base)

    def listing():  # everything under base but the out-dir and the RSS notes
        return sorted(p for p in base.rglob("*") if p not in (out, rss)
                      and out not in p.parents and rss not in p.parents)

    before = listing()
    sources = sorted(subs.iterdir())
    grade_many(sources, out, jobs=2, timeout=30, progress=False, figures=True,
               grade=rss_grade, rss_dir=str(rss))
    after = listing()
    names = [s.stem if s.is_file() else s.name for s in sources]
    results = {n: json.loads((out / n / "results.json").read_text()) for n in names}
    return dict(out=out, results=results, scores={n: scores(r) for n, r in results.items()},
                peaks={p.stem: int(p.read_text()) for p in rss.iterdir()},
                unchanged=before == after)


def messages(graded, name, exercise):
    return [t["output"] for t in graded["results"][name]["tests"] if exercise in t["tags"]]


def test_every_case_has_results_and_feedback(graded):
    for name in graded["results"]:
        assert (graded["out"] / name / "feedback.html").stat().st_size > 0, name


@pytest.mark.parametrize("kind", FORGED)
def test_a_forged_reply_costs_only_its_exercise_with_a_clear_message(graded, kind):
    ref, got = graded["scores"]["reference"], graded["scores"][kind]
    assert got["spiral_2d"] == 0 < ref["spiral_2d"]
    assert got["plot_datasets"] == ref["plot_datasets"] > 0
    said = " ".join(messages(graded, kind, "spiral_2d"))
    assert "malformed data" in said or "did not ask for" in said or "fatal error" in said


def test_odd_zip_members_cost_nothing(graded):
    assert graded["scores"]["odd_zip"] == graded["scores"]["reference"]


def test_a_scratch_tree_3000_deep_costs_nothing(graded):
    assert graded["scores"]["deep_scratch"] == graded["scores"]["reference"]


def test_grading_processes_stay_under_1_gb(graded):
    assert graded["peaks"] and max(graded["peaks"].values()) < PEAK_LIMIT_MB, graded["peaks"]


def test_nothing_outside_the_out_dir_changed(graded):
    assert graded["unchanged"]
